// Certificates for a dev mesh (`meshctl certs`): a CA, and certificates it signs for the
// registry, meshctl and each agent, valid for this machine's names (localhost, 127.0.0.1, ::1)
// and for both sides of a connection (serverAuth + clientAuth), since every agent is a server
// and a client of the mesh. ECDSA P-256 on WebCrypto through @peculiar/x509: no openssl needed.
//
// @peculiar/x509 resolves its parsers through tsyringe, which needs the Reflect metadata API;
// this module is loaded only by `meshctl certs`, so the polyfill reaches no other command.
import "reflect-metadata";
import { randomBytes, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;

export interface DevCa {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

export interface IssuedPem {
  cert: string;
  key: string;
}

/** A positive serial of 16 random bytes (RFC 5280: unique per CA, at most 20 octets). */
function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] as number) & 0x7f;
  return b.toString("hex");
}

/** The window starts a minute back, so a clock a little behind still accepts a fresh cert. */
function validity(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - 60_000), notAfter: new Date(now + days * DAY_MS) };
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey("pkcs8", key), "PRIVATE KEY");
}

/** Quotes nothing: names reach here checked (letters, digits, `.`, `-`, `_`, spaces). */
function dn(commonName: string): string {
  return `CN=${commonName}, O=MCP Mesh dev`;
}

export async function createCa(commonName: string, days: number): Promise<DevCa & { pem: IssuedPem }> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: dn(commonName),
    ...validity(days),
    keys: keys as webcrypto.CryptoKeyPair,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as CryptoKey),
    ],
  });
  const key = keys.privateKey as CryptoKey;
  return { cert, key, pem: { cert: cert.toString("pem"), key: await pkcs8Pem(key) } };
}

/** A CA written earlier (ca.pem, ca-key.pem), so new agents join the same mesh. */
export async function loadCa(certPem: string, keyPem: string): Promise<DevCa> {
  const cert = new x509.X509Certificate(certPem);
  const der = x509.PemConverter.decodeFirst(keyPem);
  const key = await webcrypto.subtle.importKey("pkcs8", der, ALG, true, ["sign"]);
  return { cert, key: key as CryptoKey };
}

const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]+)$/i;

/** A certificate for `commonName`, valid for `hosts` (DNS names and IP addresses). */
export async function issueCert(ca: DevCa, commonName: string, hosts: string[], days: number): Promise<IssuedPem> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: dn(commonName),
    issuer: ca.cert.subject,
    ...validity(days),
    signingKey: ca.key,
    publicKey: keys.publicKey as CryptoKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(
        [...new Set(hosts)].map((h) => (IP.test(h) ? { type: "ip", value: h } : { type: "dns", value: h })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return { cert: cert.toString("pem"), key: await pkcs8Pem(keys.privateKey as CryptoKey) };
}
