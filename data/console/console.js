// The officer console (docs/service.md): follows the service's event stream and shows
// the live phase, the outcome in large type with colour and a word, each check with its
// reason, the seal, the eligibility decision and the face; clears when the document
// leaves the reader. No inline script (the CSP forbids it), nothing from elsewhere.
"use strict";

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("vfy-token");
let current = null; // the inspection id shown
let photoUrl = null;

function api(path, options) {
  const o = options || {};
  o.headers = Object.assign({ Authorization: "Bearer " + token }, o.headers || {});
  return fetch(path, o);
}

function setLink(text) { $("link").textContent = text; }

function show(phase) {
  $("phase").textContent = phase;
}

function clearScreen() {
  current = null;
  $("result").hidden = true;
  $("progress").hidden = true;
  $("progress").value = 0;
  $("file").textContent = "";
  $("checks").tBodies[0].replaceChildren();
  $("photo").hidden = true;
  $("photo").removeAttribute("src");
  if (photoUrl) { URL.revokeObjectURL(photoUrl); photoUrl = null; }
  show("Place your document on the reader");
}

const WORDS = {
  genuine: "GENUINE", data_authentic: "DATA AUTHENTIC", invalid: "INVALID",
  unverified: "UNVERIFIED", failed: "READ FAILED",
};

function verdict(kind, summary) {
  const v = $("verdict");
  v.className = "verdict " + kind;
  v.textContent = WORDS[kind] || kind.toUpperCase();
  $("summary").textContent = summary || "";
}

async function showResult(id) {
  const r = await api("/api/v1/inspections/" + id);
  if (!r.ok) return;
  const body = await r.json();
  if (current !== id) return;
  $("progress").hidden = true;
  $("file").textContent = "";
  $("result").hidden = false;
  if (body.status === "failed") {
    show("The document could not be read");
    verdict("failed", body.error.message);
    $("gate").textContent = "";
    return;
  }
  const ins = body.inspection;
  show("Inspection complete — take the document off the reader");
  verdict(ins.verdict, ins.summary);
  $("gate").textContent = "Gate: " + ins.gate;
  const rows = ins.checks.map((c) => {
    const tr = document.createElement("tr");
    const name = document.createElement("td");
    name.textContent = c.id;
    const st = document.createElement("td");
    st.textContent = c.status;
    st.className = c.status === "failed" ? "failed" : c.status === "ok" ? "passed" : "";
    const reason = document.createElement("td");
    reason.textContent = c.reason || "";
    tr.append(name, st, reason);
    return tr;
  });
  $("checks").tBodies[0].replaceChildren(...rows);
  $("seal").textContent = ins.seal_verdict ? "Seal: " + ins.seal_verdict : "No seal presented";
  const el = ins.eligibility;
  $("eligibility").textContent = el ? (el.outcome || el.decision || "decided") +
      (el.legal_basis ? " — " + el.legal_basis : "") : "Not decided";
  const p = await api("/api/v1/inspections/" + id + "/photo");
  if (p.ok && current === id) {
    photoUrl = URL.createObjectURL(await p.blob());
    $("photo").src = photoUrl;
    $("photo").hidden = false;
  }
}

function onEvent(type, data) {
  switch (type) {
  case "reader_attached": setLink("Reader ready"); break;
  case "reader_detached": setLink("Reader not connected"); break;
  case "waiting_for_document":
    clearScreen();
    current = data.id;
    show("Place your document on the reader");
    break;
  case "document_placed":
    current = data.id;
    show("Reading the chip — keep the document still");
    $("progress").hidden = false;
    break;
  case "progress":
    if (data.id !== current) break;
    $("progress").hidden = false;
    $("progress").value = data.percent;
    $("file").textContent = "Reading " + data.file + " (" + data.percent + "%)";
    break;
  case "result_ready":
  case "inspection_failed":
    current = data.id;
    showResult(data.id);
    break;
  case "document_removed": clearScreen(); break;
  default: break;
  }
}

// Server-Sent Events over fetch: EventSource cannot send the bearer token.
async function follow() {
  for (;;) {
    try {
      const r = await api("/api/v1/events");
      if (r.status === 401) { logout("The token was refused"); return; }
      setLink("Connected");
      const reader = r.body.getReader();
      const dec = new TextDecoder();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let end;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          let type = null, data = null;
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) type = line.slice(7);
            else if (line.startsWith("data: ")) data = JSON.parse(line.slice(6));
          }
          if (type) onEvent(type, data || {});
        }
      }
    } catch (e) {
      setLink("Connection lost — retrying");
    }
    await new Promise((res) => setTimeout(res, 1000));
  }
}

function logout(why) {
  sessionStorage.removeItem("vfy-token");
  token = null;
  $("login").hidden = false;
  $("request").hidden = true;
  setLink(why);
  $("token").focus();
}

function start() {
  $("login").hidden = true;
  $("request").hidden = false;
  $("mrz").focus();
  clearScreen();
  follow();
}

$("login").addEventListener("submit", (ev) => {
  ev.preventDefault();
  token = $("token").value.trim();
  $("token").value = "";
  sessionStorage.setItem("vfy-token", token);
  start();
});

$("request").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const lines = $("mrz").value.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  const can = $("can").value.trim();
  const body = lines.length > 0 ? { mrz: lines } : { can: can };
  const r = await api("/api/v1/inspections", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const answer = await r.json();
  $("request-error").textContent = r.status === 202 ? "" : answer.message;
  if (r.status === 202) { $("mrz").value = ""; $("can").value = ""; }
});

if (token) start(); else $("token").focus();
