// The meeting console: the record of one meeting, live, over the same API
// every other front end uses (Connect JSON from this origin). The record
// streams in through MinutesService/WatchMinutes; changes go through the
// RPCs with the token the person pasted, kept in this tab's session
// storage and sent as a Bearer header (no cookie). Everything is built
// with textContent: nothing from the record is parsed as HTML.
(function () {
"use strict";
var root = document.getElementById("console");
if (!root || !window.fetch || !window.TextDecoder) return;
var meetingId = root.getAttribute("data-meeting"), committeeId = root.getAttribute("data-committee");
var $ = function (id) { return document.getElementById(id); };
var tokenKey = "alesco-token";
var token = sessionStorage.getItem(tokenKey) || "";
var me = null, committee = null, agenda = null, record = null;
var staffRoles = {admin: 1, chair: 1, secretary: 1};

function el(tag, text, attrs) {
  var e = document.createElement(tag);
  if (text != null) e.textContent = text;
  for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
  return e;
}
function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
function log(text, bad) {
  var li = el("li", new Date().toLocaleTimeString() + " · " + text);
  if (bad) li.className = "warn";
  var l = $("log");
  l.insertBefore(li, l.firstChild);
  while (l.children.length > 30) l.removeChild(l.lastChild);
}
function isFinal() { return !!record && record.status === "MINUTES_STATUS_FINAL"; }
// isStaff: the signed-in token records this meeting (while it is a draft).
function isStaff() { return !!me && staffRoles[me.role] === 1 && (me.role === "admin" || me.committeeId === committeeId) && !isFinal(); }
function isMember() { return !!me && !!me.memberId && (me.role === "admin" || me.committeeId === committeeId); }

// call runs one RPC with the Connect protocol's JSON encoding.
function call(service, method, msg, anonymous) {
  var headers = {"Content-Type": "application/json", "Connect-Protocol-Version": "1"};
  if (token && !anonymous) headers.Authorization = "Bearer " + token;
  return fetch("/alesco.v1." + service + "/" + method, {method: "POST", headers: headers, body: JSON.stringify(msg || {})})
    .then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) { var e = new Error(j.message || r.statusText); e.code = j.code; throw e; }
        return j;
      });
    });
}
// plain shows text of the record without its Markdown backslash escapes
// (a GitHub title "Build for <arch>" is kept as "Build for \<arch\>").
function plain(s) { return (s || "").replace(/\\([!-\/:-@\[-`{-~])/g, "$1"); }

// down: the server could not be reached; "back" is due when it answers.
var down = false;
function lost() { if (!down) { down = true; log("reconnecting…", true); } }
function back() { if (down) { down = false; log("back"); } }
function commandId() {
  var b = new Uint8Array(12);
  crypto.getRandomValues(b);
  return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
}
// run sends one command of the meeting language under an id of its own
// until the server answers: after a restart or a dropped network it is
// sent again, and the server runs it once.
function run(line) {
  var msg = {meetingId: meetingId, line: line, commandId: commandId()};
  function attempt(delay) {
    return call("MinutesService", "RunCommand", msg).then(function (r) {
      back();
      if (r.reply) log(plain(r.reply));
      return r;
    }, function (err) {
      if (err.code && err.code !== "unavailable" && err.code !== "unknown") throw err;
      lost();
      return new Promise(function (ok) { setTimeout(ok, delay); }).then(function () { return attempt(Math.min(delay * 2, 5000)); });
    });
  }
  return attempt(250).catch(fail);
}
function fail(err) { log("Refused: " + err.message, true); }

// watch reads WatchMinutes as a Connect server stream: each message is a
// 5-byte envelope (flags, big-endian length) and JSON; flag 2 ends it.
function watch(delay) {
  var frame = new TextEncoder().encode(JSON.stringify({meetingId: meetingId}));
  var body = new Uint8Array(5 + frame.length);
  new DataView(body.buffer).setUint32(1, frame.length);
  body.set(frame, 5);
  fetch("/alesco.v1.MinutesService/WatchMinutes", {method: "POST", body: body,
    headers: {"Content-Type": "application/connect+json", "Connect-Protocol-Version": "1"}})
  .then(function (resp) {
    if (!resp.ok || !resp.body) throw new Error("the server answered " + resp.status);
    $("live").textContent = "Live: changes appear as they are recorded.";
    var reader = resp.body.getReader(), buf = new Uint8Array(0), dec = new TextDecoder();
    function pump() {
      return reader.read().then(function (r) {
        if (r.done) throw new Error("the stream ended");
        var joined = new Uint8Array(buf.length + r.value.length);
        joined.set(buf); joined.set(r.value, buf.length); buf = joined;
        while (buf.length >= 5) {
          var n = new DataView(buf.buffer, buf.byteOffset).getUint32(1);
          if (buf.length < 5 + n) break;
          var flags = buf[0], msg = JSON.parse(dec.decode(buf.subarray(5, 5 + n)) || "{}");
          buf = buf.slice(5 + n);
          if (flags & 2) {
            if (msg.error && msg.error.code === "not_found") { $("live").textContent = msg.error.message; return; }
            throw new Error(msg.error ? msg.error.message : "the stream ended");
          }
          delay = 1000;
          back();
          if (!msg.keepAlive && msg.minutes) show(msg.minutes);
        }
        return pump();
      });
    }
    return pump();
  })
  .catch(function (err) {
    $("live").textContent = "Reconnecting (" + err.message + ")…";
    lost();
    setTimeout(function () { watch(Math.min(delay * 2, 15000)); }, delay);
  });
}

function roster() {
  return ((committee && committee.members) || []).filter(function (m) { return m.current; });
}
function attendee(id) {
  return ((record && record.attendees) || []).filter(function (a) { return a.memberId === id; })[0];
}
function openMotion() {
  var ms = (record && record.motions) || [];
  for (var i = ms.length - 1; i >= 0; i--) if (ms[i].status === "MOTION_STATUS_OPEN") return ms[i];
  return null;
}
function tally(t) {
  t = t || {};
  return (t.yes ? "+" + t.yes : "0") + " " + (t.abstain || 0) + " " + (t.no ? "−" + t.no : "0");
}
var voteWords = {VOTE_VALUE_YES: "+1", VOTE_VALUE_ABSTAIN: "0", VOTE_VALUE_NO: "−1"};
var outcomeWords = {MOTION_OUTCOME_PASSED: "approved", MOTION_OUTCOME_REJECTED: "rejected", MOTION_OUTCOME_TIED: "tied",
  MOTION_OUTCOME_TABLED: "tabled", MOTION_OUTCOME_PUNTED: "punted to the next meeting"};

function show(m) {
  record = m;
  renderControls();
  renderMotion(); renderAttendance(); renderAgenda(); renderNotes(); renderActions(); renderMarkdown();
}

function renderWho() {
  $("signin").hidden = !!me;
  $("who").hidden = !me;
  if (me) {
    var who = me.memberName ? "Signed in as " + me.memberName + " (" + me.role + ")" : "Signed in with " + me.name;
    var what = me.role !== "admin" && me.committeeId !== committeeId ? ": this token is for another committee." :
      staffRoles[me.role] === 1 ? ": you record this meeting." : ": you vote as yourself.";
    $("who-text").textContent = who + what;
  }
  renderControls();
  if (record) show(record);
}
// renderControls shows the recording controls to those who record, while
// the minutes are a draft.
function renderControls() {
  var staff = isStaff();
  Array.prototype.forEach.call(document.querySelectorAll(".staff"), function (e) { e.hidden = !staff; });
}

// motionNumber is the number the meeting knows a motion by (1, 2, … in
// its minutes); id is the store's, for the API's writes.
function motionNumber(mo) { return mo.number || mo.id; }

function renderMotion() {
  var box = clear($("motion")), mo = openMotion(), ms = (record && record.motions) || [];
  var shown = mo || ms[ms.length - 1];
  $("my-vote").hidden = !(mo && isMember());
  $("chair-motion").hidden = !(mo && isStaff());
  if (!shown) { box.appendChild(el("p", "No motion yet.", {"class": "muted"})); return; }
  box.appendChild(el("p", "Motion " + motionNumber(shown) + ": " + plain(shown.title) + (shown.proposalNumber ? " (#" + shown.proposalNumber + ")" : ""), {"class": "title"}));
  var state = mo ? "open for votes" : outcomeWords[shown.outcome] || "closed";
  box.appendChild(el("p", "Tally " + tally(shown.tally) + " · " + state + (shown.unanimous ? ", unanimous" : ""), {id: "tally"}));
  var ul = el("ul", null, {"class": "items", id: "votes"});
  (shown.votes || []).forEach(function (v) { ul.appendChild(el("li", v.memberName + " voted " + voteWords[v.value])); });
  if (shown.decidingVote) ul.appendChild(el("li", shown.decidingVote.memberName + " cast the deciding vote " + voteWords[shown.decidingVote.value]));
  box.appendChild(ul);
  var mine = mo && me && (mo.votes || []).filter(function (v) { return v.memberId === me.memberId; })[0];
  Array.prototype.forEach.call(document.querySelectorAll("#my-vote button"), function (b) {
    b.setAttribute("aria-pressed", mine && mine.value === b.getAttribute("data-vote") ? "true" : "false");
  });
  var tied = mo && (mo.tally || {}).yes === (mo.tally || {}).no && (mo.votes || []).length > 0;
  Array.prototype.forEach.call(document.querySelectorAll("[data-decide]"), function (b) { b.hidden = !tied; });
}

var attendWords = [["ATTENDANCE_ACTION_PRESENT", "Present"], ["ATTENDANCE_ACTION_LATE", "Late"],
  ["ATTENDANCE_ACTION_LEFT", "Left"], ["ATTENDANCE_ACTION_ABSENT", "Absent"]];
function renderAttendance() {
  var tb = clear($("roster")), staff = isStaff();
  roster().forEach(function (m) {
    var a = attendee(m.id), tr = el("tr");
    tr.appendChild(el("th", m.name, {scope: "row"}));
    var said = !a ? "not recorded" : a.absent ? "unable to attend" : a.leftTime ? "left" : "present";
    if (a && a.note && !a.absent) said += " (" + a.note + ")";
    tr.appendChild(el("td", said));
    var td = el("td", null, {"class": "staff"});
    td.hidden = !staff;
    attendWords.forEach(function (w) {
      var b = el("button", w[1], {type: "button", "aria-label": m.name + ": " + w[1].toLowerCase()});
      b.addEventListener("click", function () {
        call("MinutesService", "ChangeAttendance", {meetingId: meetingId, action: w[0], who: m.id}).then(function (r) {
          var q = r.quorumLost ? " — quorum lost" : r.quorumReached ? " — quorum reached" : "";
          log(m.name + ": " + w[1].toLowerCase() + q);
        }, fail);
      });
      td.appendChild(b);
    });
    tr.appendChild(td);
    tb.appendChild(tr);
  });
  var r = record || {};
  $("quorum").textContent = (r.membersPresent || 0) + " of " + (r.rosterSize || 0) + " members present, " +
    (r.quorumRequired || 0) + " required: " + (r.quorumMet ? "quorum met." : "no quorum, no vote can be taken.");
  var others = (r.attendees || []).filter(function (a) { return a.kind !== "ATTENDEE_KIND_MEMBER"; }).map(function (a) {
    return a.name + (a.kind === "ATTENDEE_KIND_BOARD" ? " (board)" : " (community)");
  });
  $("others").textContent = others.length ? "Also attending: " + others.join(", ") + "." : "";
  fillMembers($("vote-member"));
  fillMembers($("action-owner"));
}
function fillMembers(sel) {
  var keep = sel.value;
  clear(sel);
  roster().forEach(function (m) { sel.appendChild(el("option", m.name, {value: m.id})); });
  if (keep) sel.value = keep;
}

function agendaItems() {
  if (!agenda) return [];
  var out = [];
  [["votes", "vote"], ["discussion", "discussion"], ["carriedOver", "carried over"], ["newSubmissions", "new submission"]].forEach(function (s) {
    (agenda[s[0]] || []).forEach(function (it) { out.push({item: it, section: s[1]}); });
  });
  return out;
}
function renderAgenda() {
  var ol = clear($("agenda")), staff = isStaff(), busy = !!openMotion();
  var taken = {};
  ((record && record.notes) || []).forEach(function (n) { if (n.proposalNumber) taken[n.proposalNumber] = true; });
  agendaItems().forEach(function (x) {
    var it = x.item, label = (it.number ? "#" + it.number + " " : "") + plain(it.title);
    var li = el("li", label + " (" + x.section + (taken[it.number] ? ", taken up" : "") + ")");
    if (staff && it.number) {
      var up = el("button", "Take up", {type: "button", "aria-label": "Take up " + label});
      up.addEventListener("click", function () { run("topic #" + it.number); });
      li.appendChild(document.createTextNode(" "));
      li.appendChild(up);
      if (x.section === "vote") {
        var open = el("button", "Open motion", {type: "button", "aria-label": "Open a motion on " + label});
        open.disabled = busy;
        open.addEventListener("click", function () {
          run("topic #" + it.number).then(function () { return run("motion Accept RFC " + it.number + ": " + it.title.replace(/^(WIP )?RFC:\s*/i, "")); });
        });
        li.appendChild(document.createTextNode(" "));
        li.appendChild(open);
      }
    }
    ol.appendChild(li);
  });
  if (agenda && agenda.chairElection && agenda.chairElection.due) {
    var e = agenda.chairElection;
    ol.appendChild(el("li", "Chair election: " + e.reason + (e.cannotStand ? ". " + e.cannotStand + "." : ".")));
  }
  ol.appendChild(el("li", "Open floor"));
}

function renderNotes() {
  var box = clear($("notes")), notes = (record && record.notes) || [], groups = [], at = {};
  notes.forEach(function (n) {
    var k = n.topic || "";
    if (!(k in at)) { at[k] = groups.length; groups.push({topic: k, proposal: n.proposalNumber, lines: []}); }
    if (n.text) groups[at[k]].lines.push(n.text);
  });
  groups.forEach(function (g) {
    box.appendChild(el("h3", (plain(g.topic) || "Other notes") + (g.proposal ? " (#" + g.proposal + ")" : "")));
    var ul = el("ul", null, {"class": "items"});
    g.lines.forEach(function (t) { ul.appendChild(el("li", plain(t))); });
    box.appendChild(ul);
  });
  var last = notes[notes.length - 1];
  $("topic").textContent = last ? "Under discussion: " + plain(last.topic) + (last.proposalNumber ? " (#" + last.proposalNumber + ")" : "") : "No topic yet.";
}

function renderActions() {
  var ul = clear($("actions"));
  ((record && record.actionItems) || []).forEach(function (a) {
    ul.appendChild(el("li", (a.owner ? a.owner + ": " : "") + plain(a.text) + (a.done ? " (done)" : "")));
  });
}

function renderMarkdown() {
  var final = record && record.status === "MINUTES_STATUS_FINAL";
  $("markdown").textContent = (record && record.markdown) || "";
  $("markdown-label").textContent = final ? "Final minutes, ready for the wiki:" : "Preview of the wiki Markdown (draft):";
  $("finalize-controls").hidden = !isStaff() || final;
}

function signIn(t) {
  token = t;
  return call("CommitteeService", "WhoAmI", {}).then(function (r) {
    me = {role: r.role, committeeId: r.committeeId, memberId: r.memberId || "", memberName: r.memberName || "", name: r.name};
    sessionStorage.setItem(tokenKey, token);
    renderWho();
  }, function (err) {
    token = "";
    sessionStorage.removeItem(tokenKey);
    me = null;
    renderWho();
    log("Sign-in refused: " + err.message, true);
  });
}

$("signin").addEventListener("submit", function (ev) {
  ev.preventDefault();
  var t = $("token").value.trim();
  $("token").value = "";
  if (t) signIn(t);
});
$("signout").addEventListener("click", function () {
  token = ""; me = null;
  sessionStorage.removeItem(tokenKey);
  renderWho();
});
Array.prototype.forEach.call(document.querySelectorAll("#my-vote button"), function (b) {
  b.addEventListener("click", function () {
    var mo = openMotion();
    if (!mo) return;
    call("MinutesService", "CastVote", {motionId: mo.id, value: b.getAttribute("data-vote")}).then(function () {
      log("You voted " + b.textContent + " on motion " + motionNumber(mo));
    }, fail);
  });
});
Array.prototype.forEach.call(document.querySelectorAll("[data-record]"), function (b) {
  b.addEventListener("click", function () {
    var mo = openMotion(), who = $("vote-member");
    if (!mo) return;
    call("MinutesService", "CastVote", {motionId: mo.id, memberId: who.value, value: b.getAttribute("data-record")}).then(function () {
      log(who.options[who.selectedIndex].text + " voted " + b.textContent);
    }, fail);
  });
});
Array.prototype.forEach.call(document.querySelectorAll("[data-close]"), function (b) {
  b.addEventListener("click", function () {
    var mo = openMotion();
    if (!mo) return;
    call("MinutesService", "CloseMotion", {motionId: mo.id, outcomeOverride: b.getAttribute("data-close")}).then(function (r) {
      log("Motion " + motionNumber(mo) + " " + (outcomeWords[r.motion.outcome] || "closed"));
    }, fail);
  });
});
Array.prototype.forEach.call(document.querySelectorAll("[data-decide]"), function (b) {
  b.addEventListener("click", function () {
    var mo = openMotion();
    if (!mo) return;
    call("MinutesService", "CastDecidingVote", {motionId: mo.id, value: b.getAttribute("data-decide")}).then(function () {
      log("Deciding vote " + voteWords[b.getAttribute("data-decide")] + " on motion " + motionNumber(mo));
    }, fail);
  });
});
$("guest").addEventListener("submit", function (ev) {
  ev.preventDefault();
  var name = $("guest-name").value.trim(), kind = (ev.submitter || {}).getAttribute ? ev.submitter.getAttribute("data-kind") : "ATTENDANCE_ACTION_GUEST";
  if (!name) return;
  call("MinutesService", "ChangeAttendance", {meetingId: meetingId, action: kind, who: name}).then(function () {
    $("guest-name").value = "";
    log(name + " attends");
  }, fail);
});
$("next").addEventListener("click", function () { run("next"); });
$("topic-form").addEventListener("submit", function (ev) {
  ev.preventDefault();
  var t = $("topic-text").value.trim();
  if (t) run("topic " + t).then(function () { $("topic-text").value = ""; });
});
$("note-form").addEventListener("submit", function (ev) {
  ev.preventDefault();
  var t = $("note-text").value.trim();
  if (!t) return;
  run("info " + t).then(function (r) { if (r) $("note-text").value = ""; });
});
$("agreed").addEventListener("click", function () {
  var t = $("note-text").value.trim();
  if (t) run("agreed " + t).then(function () { $("note-text").value = ""; });
});
$("link").addEventListener("click", function () {
  var t = $("note-text").value.trim();
  if (t) run("link " + t).then(function (r) { if (r) $("note-text").value = ""; });
});
$("undo").addEventListener("click", function () { run("undo"); });
$("action-form").addEventListener("submit", function (ev) {
  ev.preventDefault();
  var t = $("action-text").value.trim(), owner = $("action-owner");
  if (!t) return;
  run("action " + owner.options[owner.selectedIndex].text + ": " + t).then(function (r) { if (r) $("action-text").value = ""; });
});
$("finalize").addEventListener("click", function () { $("finalize-confirm").hidden = false; $("finalize-now").focus(); });
$("finalize-cancel").addEventListener("click", function () { $("finalize-confirm").hidden = true; });
$("finalize-now").addEventListener("click", function () {
  $("finalize-confirm").hidden = true;
  run("endmeeting").then(function () { $("markdown").focus(); });
});

$("signin").hidden = false;
call("CommitteeService", "GetCommittee", {committeeId: committeeId}, true).then(function (r) {
  committee = r.committee;
  if (record) show(record);
}, fail);
call("AgendaService", "GetAgenda", {meetingId: meetingId, committeeId: committeeId}, true).then(function (r) {
  agenda = r.agenda;
  renderAgenda();
}, function () { agenda = null; });
if (token) signIn(token);
watch(1000);
})();
