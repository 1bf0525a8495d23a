import { describe, expect, it } from "vitest";
import { certificateIdentity, checkPeerCertificate, tlsFailureText, tlsModeOf } from "./tls.js";

describe("tlsModeOf", () => {
  it("takes the mode given, else auto with a certificate and key, else off; refuses other words", () => {
    expect(tlsModeOf("STRICT", false)).toBe("strict");
    expect(tlsModeOf(undefined, true)).toBe("auto");
    expect(tlsModeOf("", false)).toBe("off");
    expect(tlsModeOf("off", true)).toBe("off");
    expect(tlsModeOf("on", true)).toBeUndefined();
  });
});

describe("certificateIdentity", () => {
  it("is the subject CN, else the first URI SAN (SPIFFE), else the first DNS SAN", () => {
    expect(certificateIdentity({ subject: { CN: "billing" }, subjectaltname: "DNS:localhost" })).toBe("billing");
    expect(certificateIdentity({ subject: {}, subjectaltname: "DNS:a.local, URI:spiffe://mesh/billing" })).toBe(
      "spiffe://mesh/billing",
    );
    expect(certificateIdentity({ subject: null, subjectaltname: "IP Address:127.0.0.1, DNS:b.local" })).toBe("b.local");
    expect(certificateIdentity({ subject: {} })).toBeUndefined();
  });
});

describe("checkPeerCertificate", () => {
  it("tells none, verified and refused apart, with the reason in words", () => {
    expect(checkPeerCertificate({ getPeerCertificate: () => ({}) })).toEqual({ kind: "none" });
    expect(checkPeerCertificate({})).toEqual({ kind: "none" });
    expect(checkPeerCertificate({ authorized: true, getPeerCertificate: () => ({ subject: { CN: "a" } }) })).toEqual({
      kind: "verified",
      identity: "a",
    });
    const refused = checkPeerCertificate({
      authorized: false,
      authorizationError: Object.assign(new Error("x"), { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }),
      getPeerCertificate: () => ({ subject: { CN: "a" } }),
    });
    expect(refused).toEqual({
      kind: "refused",
      reason: "client certificate not trusted: certificate not signed by a trusted CA",
    });
  });
});

describe("tlsFailureText", () => {
  it("says what failed and what to set, and keeps the code for searching", () => {
    expect(tlsFailureText("SELF_SIGNED_CERT_IN_CHAIN")).toBe(
      "certificate not signed by a trusted CA: set MCP_MESH_TLS_CA to the mesh's CA certificate [SELF_SIGNED_CERT_IN_CHAIN]",
    );
    expect(tlsFailureText("ERR_TLS_CERT_ALTNAME_INVALID")).toContain("not issued for this host name");
    expect(tlsFailureText("SOMETHING_ELSE")).toBe("SOMETHING_ELSE");
  });
});
