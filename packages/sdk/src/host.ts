// The host other agents should dial (PROTOCOL.md §4.4): the outbound interface's address, found
// by "connecting" a UDP socket (no packet is sent); localhost when there is no route.
import { createSocket } from "node:dgram";

export function detectHost(bindHost: string): Promise<string> {
  if (bindHost === "127.0.0.1" || bindHost === "localhost" || bindHost === "::1") return Promise.resolve(bindHost);
  if (bindHost !== "0.0.0.0" && bindHost !== "::") return Promise.resolve(bindHost);
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    const done = (host: string) => {
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve(host);
    };
    socket.once("error", () => done("localhost"));
    socket.connect(80, "8.8.8.8", () => {
      try {
        done(socket.address().address);
      } catch {
        done("localhost");
      }
    });
  });
}
