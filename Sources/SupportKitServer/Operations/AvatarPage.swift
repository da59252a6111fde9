import Hummingbird

/// The avatar chat page served at `/`: plain HTML, CSS and JavaScript in one string, no external requests.
///
/// It talks to `GET /v1/chat/ws` with a customer token (``CustomerToken``, in the `token` query parameter, since
/// browsers cannot set headers on a WebSocket) and falls back to `POST /v1/chat` when the socket cannot be opened.
/// The page never holds an API key: the site's backend mints a token for its signed-in customer and opens the page
/// as `/#token=...` (the fragment never reaches a server log); the customer id is the token's. Replies are inserted with
/// `textContent`, never as HTML, and only `http(s)` or relative source links become anchors.
enum AvatarPage {
    static var headers: HTTPFields {
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        if let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy") { headers[referrerPolicy] = "no-referrer" }
        return headers
    }

    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Support assistant</title>
<style>
  :root { --bg:#f4f6fb; --panel:#fff; --ink:#1d2433; --muted:#667085; --accent:#3b5bdb; --user:#e7edff; --bot:#f2f4f7; --warn:#b42318; --warnbg:#fef3f2; }
  * { box-sizing:border-box; }
  body { margin:0; font:15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background:var(--bg); color:var(--ink); }
  .app { max-width:1100px; margin:0 auto; padding:20px; display:grid; grid-template-columns:280px 1fr; gap:20px; min-height:100vh; }
  .side { background:var(--panel); border-radius:16px; padding:20px; box-shadow:0 1px 3px rgba(16,24,40,.08); display:flex; flex-direction:column; align-items:center; gap:14px; }
  .side h1 { font-size:18px; margin:4px 0 0; }
  .status { font-size:13px; color:var(--muted); display:flex; align-items:center; gap:6px; }
  .dot { width:9px; height:9px; border-radius:50%; background:#98a2b3; }
  .dot.on { background:#12b76a; } .dot.http { background:#f79009; }
  .settings { width:100%; display:flex; flex-direction:column; gap:8px; font-size:13px; }
  .settings label { display:flex; flex-direction:column; gap:3px; color:var(--muted); }
  .settings input { font:inherit; padding:7px 9px; border:1px solid #d0d5dd; border-radius:8px; color:var(--ink); }
  .settings button { font:inherit; padding:7px; border-radius:8px; border:1px solid #d0d5dd; background:#fff; cursor:pointer; }
  #avatar { width:170px; height:170px; }
  #avatar .mouth { transition:all .15s; transform-origin:100px 132px; }
  #avatar.talking .mouth { animation:talk .25s infinite alternate; }
  #avatar.thinking .eyes { animation:blink 1.2s infinite; transform-origin:100px 92px; }
  @keyframes talk { from { transform:scaleY(.4); } to { transform:scaleY(1.3); } }
  @keyframes blink { 0%,90%,100% { transform:scaleY(1); } 95% { transform:scaleY(.1); } }
  .main { background:var(--panel); border-radius:16px; box-shadow:0 1px 3px rgba(16,24,40,.08); display:flex; flex-direction:column; min-height:0; }
  #banner { display:none; margin:16px 16px 0; padding:12px 14px; border-radius:10px; background:var(--warnbg); color:var(--warn); border:1px solid #fecdca; font-weight:600; }
  #banner.show { display:block; }
  #banner small { display:block; font-weight:400; color:#7a271a; margin-top:2px; }
  #log { flex:1; overflow-y:auto; padding:16px; display:flex; flex-direction:column; gap:12px; min-height:420px; }
  .msg { max-width:78%; padding:10px 14px; border-radius:14px; white-space:pre-wrap; word-wrap:break-word; }
  .msg.user { align-self:flex-end; background:var(--user); border-bottom-right-radius:4px; }
  .msg.bot { align-self:flex-start; background:var(--bot); border-bottom-left-radius:4px; }
  .msg.error { align-self:center; background:var(--warnbg); color:var(--warn); font-size:13px; }
  .meta { font-size:12px; color:var(--muted); margin-top:6px; }
  .sources { margin-top:8px; font-size:13px; }
  .sources a { color:var(--accent); display:block; text-decoration:none; }
  .sources a:hover { text-decoration:underline; }
  form.compose { display:flex; gap:10px; padding:14px 16px; border-top:1px solid #eaecf0; }
  form.compose input { flex:1; font:inherit; padding:11px 13px; border:1px solid #d0d5dd; border-radius:10px; }
  form.compose button { font:inherit; padding:0 18px; border:0; border-radius:10px; background:var(--accent); color:#fff; cursor:pointer; }
  form.compose button:disabled { opacity:.5; cursor:default; }
  @media (max-width:760px) { .app { grid-template-columns:1fr; } #avatar { width:110px; height:110px; } }
</style>
</head>
<body>
<div class="app">
  <aside class="side">
    <svg id="avatar" viewBox="0 0 200 200" role="img" aria-label="Assistant avatar">
      <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#748ffc"/><stop offset="1" stop-color="#3b5bdb"/></linearGradient></defs>
      <circle cx="100" cy="100" r="96" fill="url(#g)"/>
      <circle cx="100" cy="104" r="62" fill="#ffe8d6"/>
      <path d="M40 92 Q46 36 100 36 Q154 36 160 92 Q140 62 100 62 Q60 62 40 92Z" fill="#343a40"/>
      <g class="eyes"><circle cx="78" cy="96" r="7" fill="#212529"/><circle cx="122" cy="96" r="7" fill="#212529"/>
        <circle cx="80" cy="94" r="2" fill="#fff"/><circle cx="124" cy="94" r="2" fill="#fff"/></g>
      <circle cx="66" cy="116" r="7" fill="#ffc9c9" opacity=".7"/><circle cx="134" cy="116" r="7" fill="#ffc9c9" opacity=".7"/>
      <ellipse class="mouth" cx="100" cy="132" rx="15" ry="6" fill="#c92a2a"/>
      <path d="M36 100 Q30 70 52 60" stroke="#212529" stroke-width="5" fill="none"/><rect x="28" y="96" width="14" height="24" rx="6" fill="#212529"/>
    </svg>
    <h1>Ava, support assistant</h1>
    <div class="status"><span id="dot" class="dot"></span><span id="statusText">not connected</span></div>
    <div class="settings">
      <label>Customer token <input id="key" type="password" autocomplete="off" placeholder="from your site, or `supportkit token`"></label>
      <div id="customer" class="meta"></div>
      <button id="connect" type="button">Connect</button>
      <div id="conv" class="meta"></div>
    </div>
  </aside>
  <main class="main">
    <div id="banner" role="alert">This conversation was handed to a person.<small id="bannerText"></small></div>
    <div id="log" aria-live="polite"></div>
    <form class="compose" id="compose">
      <input id="text" placeholder="Ask about your account, orders or billing" autocomplete="off" maxlength="8000">
      <button id="send" type="submit">Send</button>
    </form>
  </main>
</div>
<script>
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const log = $("log"), avatar = $("avatar");
  let socket = null, mode = "none", conversationId = null, pending = 0;
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get("token")) { sessionStorage.setItem("supportkit.token", fragment.get("token")); history.replaceState(null, "", location.pathname); }
  $("key").value = sessionStorage.getItem("supportkit.token") || "";
  // The customer a token speaks for: its second part, base64url. The server checks the signature.
  function customerOf(token) {
    const parts = token.split(".");
    if (parts.length !== 4 || parts[0] !== "skc1") return null;
    try { return decodeURIComponent(escape(atob(parts[1].replace(/-/g, "+").replace(/_/g, "/")))); } catch (e) { return null; }
  }

  function setStatus(kind, text) { $("dot").className = "dot " + kind; $("statusText").textContent = text; }
  function setConversation(id) { if (id) { conversationId = id; $("conv").textContent = "conversation " + id; } }
  function scroll() { log.scrollTop = log.scrollHeight; }
  function busy(on) { pending += on ? 1 : -1; avatar.classList.toggle("thinking", pending > 0); }
  function talk() { avatar.classList.add("talking"); setTimeout(() => avatar.classList.remove("talking"), 1400); }
  function safeLink(link) { return /^(https?:\/\/|\/)/i.test(link) ? link : null; }

  function add(kind, text) {
    const div = document.createElement("div");
    div.className = "msg " + kind; div.textContent = text; log.appendChild(div); scroll(); return div;
  }
  function showReply(r) {
    setConversation(r.conversation_id);
    const div = add("bot", r.text);
    if (r.sources && r.sources.length) {
      const box = document.createElement("div"); box.className = "sources"; box.textContent = "Sources:";
      for (const s of r.sources) {
        const href = safeLink(s.link || "");
        const a = document.createElement(href ? "a" : "span");
        if (href) { a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer"; }
        a.textContent = s.title || s.doc_id; box.appendChild(a);
      }
      div.appendChild(box);
    }
    const meta = document.createElement("div"); meta.className = "meta";
    // What decided the reply: small talk and out-of-scope replies say so, not the intent they did not use.
    meta.textContent = r.small_talk ? "small talk" : r.out_of_scope ? "out of scope"
      : r.intent + " (" + Math.round((r.confidence || 0) * 100) + "%)" + (r.category ? " \u00b7 " + r.category : "");
    div.appendChild(meta); talk(); scroll();
    if (r.escalated) showEscalation(r.reasons || [], r.ticket);
  }
  const escalation = { reasons: [], ticket: null };
  function showEscalation(reasons, ticket) {
    if (reasons && reasons.length) escalation.reasons = reasons;
    if (ticket) escalation.ticket = ticket;
    $("banner").classList.add("show");
    $("bannerText").textContent = (escalation.ticket ? "Ticket " + escalation.ticket.id + ". " : "") +
      (escalation.reasons.length ? "Reason: " + escalation.reasons.join("; ") : "");
  }
  function showError(e) { add("error", (e && e.message) ? e.message : "Something went wrong; try again."); }

  function connect() {
    const key = $("key").value.trim(), customer = customerOf(key);
    if (!customer) { showError({ message: "That is not a customer token (skc1....); ask your site for one." }); return; }
    sessionStorage.setItem("supportkit.token", key);
    $("customer").textContent = "signed in as " + customer;
    if (socket) { socket.onclose = null; socket.close(); socket = null; }
    const params = new URLSearchParams({ token: key, customer_id: customer });
    if (conversationId) params.set("conversation_id", conversationId);
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/v1/chat/ws?" + params;
    setStatus("", "connecting\u2026");
    let opened = false;
    try { socket = new WebSocket(url); } catch (e) { useHTTP(); return; }
    socket.onopen = () => { opened = true; mode = "ws"; setStatus("on", "live (WebSocket)"); };
    socket.onmessage = (ev) => {
      let event; try { event = JSON.parse(ev.data); } catch (e) { return; }
      if (event.type === "ready") setConversation(event.conversation_id);
      else if (event.type === "reply") { busy(false); showReply(event); }
      else if (event.type === "escalation") showEscalation(event.reasons || [], null);
      else if (event.type === "ticket") showEscalation([], event.ticket);
      else if (event.type === "error") { busy(false); showError(event.error); }
    };
    socket.onclose = () => { socket = null; if (!opened) useHTTP(); else { setStatus("", "disconnected"); mode = "none"; } };
  }
  function useHTTP() { mode = "http"; setStatus("http", "connected (HTTP fallback)"); }

  async function sendHTTP(message) {
    busy(true);
    try {
      const body = { customer_id: customerOf($("key").value.trim()) || "", message };
      if (conversationId) body.conversation_id = conversationId;
      const res = await fetch("/v1/chat", { method: "POST", headers: { "Content-Type": "application/json", "Authorization": "Bearer " + $("key").value.trim() }, body: JSON.stringify(body) });
      const data = await res.json().catch(() => ({}));
      if (res.ok) showReply(data); else showError(data.error);
    } catch (e) { showError({ message: "The server cannot be reached; check your connection." }); }
    finally { busy(false); }
  }

  $("compose").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const message = $("text").value.trim(); if (!message) return;
    $("text").value = ""; add("user", message);
    if (mode === "ws" && socket && socket.readyState === WebSocket.OPEN) {
      busy(true); socket.send(JSON.stringify({ message, conversation_id: conversationId || undefined }));
    } else { sendHTTP(message); }
  });
  $("connect").addEventListener("click", connect);
  add("bot", "Hi, I'm Ava. Connect with the customer token your site gave you, and tell me what you need help with.");
  if ($("key").value) connect();
})();
</script>
</body>
</html>
"""#
}
