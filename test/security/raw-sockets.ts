// Raw TCP clients that misbehave as an attacker's would: connect and say nothing, send half a
// request and stop, or send a request and never read further. Each records what the server
// answered and whether the server closed it; the test closes whatever is left by itself.
import net from "node:net";

export interface HeldSocket {
  kind: string;
  /** What the server sent (latin1), for the status line. */
  received(): string;
  closedByServer(): boolean;
  /** Resolves when the socket has closed (by either side). */
  closed: Promise<void>;
  destroy(): void;
}

export function holdSocket(port: number, kind: string, send: string | undefined): Promise<HeldSocket> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    let byServer = false;
    let destroyedHere = false;
    socket.on("data", (c: Buffer) => {
      // Only the head matters; an SSE stream that stays open must not grow this without end.
      if (text.length < 4096) text += c.toString("latin1");
    });
    socket.on("error", () => {
      if (!destroyedHere) byServer = true;
    });
    socket.on("end", () => {
      byServer = true;
      socket.end();
    });
    const closed = new Promise<void>((r) => socket.once("close", () => r()));
    const held: HeldSocket = {
      kind,
      received: () => text,
      closedByServer: () => byServer,
      closed,
      destroy: () => {
        destroyedHere = true;
        socket.destroy();
      },
    };
    socket.once("connect", () => {
      if (send !== undefined) socket.write(send);
      resolve(held);
    });
    // Refused at connect (a full backlog): counts as closed by the server.
    socket.once("close", () => resolve(held));
  });
}

/** Opens `count` sockets of one kind, `batch` at a time (a loopback backlog is finite). */
export async function holdMany(
  port: number,
  kind: string,
  count: number,
  send: string | undefined,
  batch = 200,
): Promise<HeldSocket[]> {
  const out: HeldSocket[] = [];
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    out.push(...(await Promise.all(Array.from({ length: n }, () => holdSocket(port, kind, send)))));
  }
  return out;
}

/** The HTTP status of the first response a socket received, or undefined. */
export function statusOf(s: HeldSocket): number | undefined {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(s.received());
  return m ? Number(m[1]) : undefined;
}

/** Resident memory of a process in MiB (Linux /proc). */
export async function rssMiB(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}
