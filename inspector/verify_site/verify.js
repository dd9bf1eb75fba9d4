// Checks an inspector certificate in the browser, following docs/certificate-format.md:
// the payload comes from the URL fragment (never sent to any server) or the paste box; the trust
// file and status list are files next to this script; Ed25519 is checked with WebCrypto.
"use strict";

// The site's folder, from this script's own address: the page may be opened at any path below it
// (a GS1 Digital Link such as /01/09506000134352/21/ACME-00000042, served from 404.html).
const SITE = new URL(".", document.currentScript.src);

const HEADER = "INS2:";
const FIXED_BYTES = 21;
const SIGNATURE_BYTES = 64;

function fromB64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice(0, (4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function parseTime(text) {
  return text ? Date.parse(text) : null;
}

async function ed25519Verify(rawKey, signature, message) {
  try {
    const key = await crypto.subtle.importKey("raw", rawKey, { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
  } catch (error) {
    return false;
  }
}

// A signed statement: the signature covers the exact UTF-8 bytes of `signed`; parse only after checking.
async function openStatement(statement, rawKey) {
  if (!statement || typeof statement.signed !== "string" || typeof statement.signature !== "string") return null;
  const ok = await ed25519Verify(rawKey, fromB64url(statement.signature), new TextEncoder().encode(statement.signed));
  return ok ? JSON.parse(statement.signed) : null;
}

async function keyId(rawKey) {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", rawKey)).slice(0, 8));
}

async function learnKeys(deployment, statements) {
  for (const statement of statements || []) {
    const key = await openStatement(statement, deployment.root);
    if (!key || key.type !== "inspector-key/1" || key.deployment !== deployment.prefix) continue;
    const raw = fromB64url(key.public_key);
    if ((await keyId(raw)) !== key.kid) continue;
    const old = deployment.keys[key.kid];
    // A revocation or retirement once seen is never undone by an older copy.
    if (old && ((old.revoked_at && !key.revoked_at) || (old.retired_at && !key.retired_at))) continue;
    deployment.keys[key.kid] = { ...key, raw };
  }
}

async function loadTrust() {
  const trustFile = await (await fetch(new URL("trust.json", SITE), { cache: "no-store" })).json();
  if (trustFile.format !== "inspector-trust/1") throw new Error("trust.json is not an inspector trust file");
  const claimed = JSON.parse(trustFile.deployment.signed);
  const root = fromB64url(claimed.root_key);
  const statement = await openStatement(trustFile.deployment, root);
  if (!statement || statement.type !== "inspector-deployment/1") throw new Error("the trust file is not signed by its root");
  const deployment = { prefix: statement.prefix, name: statement.name, root, rootKid: await keyId(root), keys: {} };
  await learnKeys(deployment, trustFile.keys);
  let status = null;
  try {
    const response = await fetch(new URL("status.json", SITE), { cache: "no-store" });
    if (response.ok) status = await loadStatus(await response.json(), deployment);
  } catch (error) {
    status = null; // no usable status list: say so, never guess
  }
  return { deployment, status };
}

async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function loadStatus(statusFile, deployment) {
  if (statusFile.format !== "inspector-status/1") return null;
  const claimed = JSON.parse(statusFile.status.signed);
  if (claimed.deployment !== deployment.prefix) return null;
  await learnKeys(deployment, claimed.keys);
  let signer = null;
  if (claimed.kid === deployment.rootKid) signer = deployment.root;
  else if (deployment.keys[claimed.kid]) signer = deployment.keys[claimed.kid].raw;
  if (!signer) return null;
  const status = await openStatement(statusFile.status, signer);
  if (!status || status.type !== "inspector-status-list/1") return null;
  if (claimed.kid !== deployment.rootKid && windowProblem(deployment.keys[claimed.kid], Date.parse(status.issued_at))) return null;
  if (!status.encoded_list.startsWith("u")) return null;
  status.bits = await gunzip(fromB64url(status.encoded_list.slice(1)));
  status.issuedAt = Date.parse(status.issued_at);
  return status;
}

// What a buyer is told for each reason category (docs/certificate-format.md, section 6).
const REASONS = {
  fail: "not authentic (overturned on review)",
  inconclusive: "authenticity could not be confirmed (overturned on review)",
  withdrawn: "certificate withdrawn by the issuer",
};

function voidIndices(group) {
  let index = 0;
  return (group.gaps || []).map((gap) => (index += gap));
}

function windowProblem(key, when) {
  if (when < parseTime(key.not_before)) return "it is dated before its signing key was in use";
  if (key.revoked_at && when >= parseTime(key.revoked_at)) return "it is dated after its signing key was revoked";
  if (key.retired_at && when > parseTime(key.retired_at)) return "it is dated after its signing key was retired";
  return null;
}

function decodePayload(text) {
  const code = text.trim().split("#").pop().trim();
  if (!code.startsWith(HEADER)) throw new Error("This is not a certificate code.");
  const raw = fromB64url(code.slice(HEADER.length));
  if (raw.length < FIXED_BYTES + SIGNATURE_BYTES) throw new Error("The code is too short.");
  const body = raw.slice(0, raw.length - SIGNATURE_BYTES);
  const signature = raw.slice(raw.length - SIGNATURE_BYTES);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const texts = new TextDecoder("utf-8", { fatal: true }).decode(body.slice(FIXED_BYTES)).split("\x1f");
  if (texts.length !== 4) throw new Error("The code does not have the expected fields.");
  const number = view.getUint32(12);
  return {
    body,
    signature,
    kid: hex(body.slice(0, 8)),
    issuedAt: Date.UTC(2000, 0, 1) + view.getUint32(8) * 1000,
    serial: `${texts[0]}-${String(number).padStart(8, "0")}`,
    index: view.getUint32(16),
    verdict: String.fromCharCode(body[20]),
    deployment: texts[0],
    item: texts[1],
    brand: texts[2],
    model: texts[3],
  };
}

async function verify(text, trust) {
  let p;
  if (text.trim().split("#").pop().trim().startsWith("INS1:")) {
    // Format 1 (before deployment trust): checked by the issuer's program, not by this page.
    return { verdict: "NOT CHECKED", summary: `This is a certificate of the old format (INS1), which this page does not check. ${trust.deployment.name} checks it for you (inspector verify).` };
  }
  try {
    p = decodePayload(text);
  } catch (error) {
    return { verdict: "INVALID", summary: `${error.message} It cannot be checked.` };
  }
  const { deployment, status } = trust;
  if (p.deployment !== deployment.prefix) {
    return { verdict: "INVALID", summary: `This certificate was not issued by ${deployment.name}.`, p };
  }
  const key = deployment.keys[p.kid];
  if (!key) return { verdict: "INVALID", summary: "The certificate was signed by a key this issuer never certified.", p };
  const message = concat(new TextEncoder().encode(HEADER), p.body);
  if (!(await ed25519Verify(key.raw, p.signature, message))) {
    return { verdict: "INVALID", summary: "The certificate was altered or forged: its signature does not match.", p, key };
  }
  const problem = windowProblem(key, p.issuedAt);
  if (problem) return { verdict: "INVALID", summary: `The signature is genuine, but ${problem}.`, p, key };
  if (p.verdict !== "P") return { verdict: "INVALID", summary: "This code does not certify a pass.", p, key };
  if (!status) {
    return { verdict: "VALID", summary: `Genuine certificate from ${deployment.name}.`, p, key,
      freshness: "Valid signature; no status list here, so a void cannot be ruled out." };
  }
  const freshness = `Status as of ${new Date(status.issuedAt).toISOString().slice(0, 16).replace("T", " ")} UTC.`;
  const byte = p.index >> 3;
  const bit = byte < status.bits.length && (status.bits[byte] >> (7 - (p.index & 7))) & 1;
  const listed = (status.voids || []).find((group) => voidIndices(group).includes(p.index));
  if (bit || listed) {
    const why = listed ? ` on ${listed.voided_on}: ${REASONS[listed.reason] || listed.reason}` : "";
    return { verdict: "VOID", summary: `This certificate was withdrawn${why}. The item is not certified.`, p, key, freshness };
  }
  return { verdict: "VALID", summary: `Genuine certificate from ${deployment.name}; it has not been withdrawn.`, p, key, freshness };
}

function show(result, trust) {
  const verdict = document.getElementById("verdict");
  verdict.textContent = result.verdict || "Ready";
  verdict.dataset.verdict = result.verdict;
  document.getElementById("summary").textContent = result.summary;
  document.getElementById("freshness").textContent = result.freshness || "";
  if (trust) document.getElementById("issuer").textContent = `${trust.deployment.name}: certificate check`;
  const details = document.getElementById("details");
  if (!result.p) {
    details.hidden = true;
    return;
  }
  details.hidden = false;
  const p = result.p;
  const date = new Date(p.issuedAt).toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
  const fields = { brand: p.brand, model: p.model, item: p.item, date, station: result.key ? result.key.station : "unknown", serial: p.serial };
  for (const [id, value] of Object.entries(fields)) document.getElementById(id).textContent = value;
}

async function main() {
  let trust;
  try {
    trust = await loadTrust();
  } catch (error) {
    show({ verdict: "INVALID", summary: `This page cannot check certificates: ${error.message}.` }, null);
    return;
  }
  const check = async (text) => show(await verify(text, trust), trust);
  document.getElementById("paste").addEventListener("submit", (event) => {
    event.preventDefault();
    check(document.getElementById("code").value);
  });
  const fragment = decodeURIComponent(location.hash.slice(1));
  if (fragment) await check(fragment);
  else show({ verdict: "", summary: "Scan the QR code on a tag or certificate, or paste its code below." }, trust);
  window.addEventListener("hashchange", () => check(decodeURIComponent(location.hash.slice(1))));
  document.body.dataset.ready = "yes";
}

main();
