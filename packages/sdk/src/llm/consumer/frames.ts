// The stream frames of a provider's `_stream` twin (LLM-WIRE.md §3.2): each progress message is
// a JSON frame keyed by `_mesh_frame`, so model text is never taken for a control signal.
import { balancedEnd } from "./envelope.js";

export type Frame = { kind: "text"; text: string } | { kind: "end"; stopReason: string | undefined };

/** A progress message: a frame, or (from a provider that does not frame) plain text. */
export function frameOf(message: string): Frame {
  if (message.startsWith("{")) {
    try {
      const v = JSON.parse(message) as { _mesh_frame?: unknown; content?: unknown; stop_reason?: unknown };
      if (v && typeof v === "object" && typeof v._mesh_frame === "string") {
        if (v._mesh_frame === "end")
          return { kind: "end", stopReason: typeof v.stop_reason === "string" ? v.stop_reason : undefined };
        return { kind: "text", text: typeof v.content === "string" ? v.content : "" };
      }
    } catch {
      // not a frame
    }
  }
  return { kind: "text", text: message };
}

/** The frames of a stream tool's final text (concatenated frame JSON), or the text itself. */
export function framesOf(text: string): Frame[] {
  const frames: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== "{") return frames.length === 0 ? [{ kind: "text", text }] : frames;
    const end = balancedEnd(text, i);
    if (end < 0) return frames.length === 0 ? [{ kind: "text", text }] : frames;
    const frame = frameOf(text.slice(i, end + 1));
    if (frame.kind === "text" && frame.text === text.slice(i, end + 1)) return [{ kind: "text", text }];
    frames.push(frame);
    i = end + 1;
  }
  return frames;
}
