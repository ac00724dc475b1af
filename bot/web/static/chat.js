/* The chat page, enhanced: messages are posted as JSON and replies shown in place, Quick exit and the
   Escape key leave at once. The only thing kept in the browser is the conversation token, in this tab's
   sessionStorage; Quick exit clears it. Without this script the page's forms still work. */
(function () {
  "use strict";

  var TOKEN_KEY = "hotline-chat-token";
  var RETRIES = 2; // a lost response is retried with the same message id, so it is answered only once

  var data = JSON.parse(document.getElementById("chat-data").textContent);
  var form = document.getElementById("chat-form");
  var input = document.getElementById("message");
  var log = document.getElementById("log");
  var exit = document.getElementById("quick-exit");
  var switchForm = document.getElementById("switch-form");
  var switchButton = document.getElementById("switch");
  var lang = data.lang;
  var token = (!data.continuing && readToken()) || data.token;
  var queue = Promise.resolve(); // one message at a time, so replies keep their order

  saveToken(token);

  function readToken() {
    try { return window.sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
  }

  function saveToken(value) {
    try { window.sessionStorage.setItem(TOKEN_KEY, value); } catch (e) { /* storage blocked: keep it in memory */ }
  }

  function words() { return data.words[lang]; }

  /* Quick exit: forget the conversation here and replace this page (or the page that frames it) with a
     neutral site, so Back does not come back to it. */
  function quickExit(event) {
    if (event) { event.preventDefault(); }
    try { window.sessionStorage.clear(); } catch (e) { /* nothing stored */ }
    log.textContent = "";
    input.value = "";
    document.body.hidden = true;
    var url = exit.href;
    try {
      window.top.location.replace(url);
    } catch (e) {
      window.location.replace(url); // a frame that may not navigate the page around it leaves itself
    }
  }

  exit.addEventListener("click", quickExit);
  exit.addEventListener("keydown", function (event) {
    if (event.key === " ") { quickExit(event); } // it looks and acts like a button
  });
  document.addEventListener("keydown", function (event) {
    // not while an input method is composing a word: there Escape only cancels the composition
    if ((event.key === "Escape" || event.key === "Esc") && !event.isComposing) { quickExit(event); }
  }, true);

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function appendParts(container, parts) {
    parts.forEach(function (part) {
      if (part.href) {
        var link = document.createElement("a");
        link.href = part.href;
        if (/^https?:/.test(part.href)) { link.target = "_top"; }
        link.textContent = part.text;
        container.appendChild(link);
      } else {
        container.appendChild(document.createTextNode(part.text));
      }
    });
  }

  function addMessage(kind, parts) {
    var message = document.createElement("div");
    message.className = "message " + (kind === "you" ? "from-you" : kind === "bot" ? "from-bot" : "notice");
    if (kind === "you" || kind === "bot") {
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = words()[kind];
      var colon = document.createElement("span");
      colon.className = "visually-hidden";
      colon.textContent = ":";
      who.appendChild(colon);
      message.appendChild(who);
    }
    var text = document.createElement("p");
    text.className = "text";
    appendParts(text, parts);
    message.appendChild(text);
    log.appendChild(message);
    message.scrollIntoView({ block: "nearest" });
  }

  function showWords() {
    var w = words();
    Array.prototype.forEach.call(document.querySelectorAll("[data-word]"), function (element) {
      element.textContent = w[element.getAttribute("data-word")];
    });
  }

  function setLanguage(code) {
    if (!data.words[code] || code === lang) { return; }
    lang = code;
    var w = words();
    document.documentElement.lang = code;
    document.title = w.title + document.title.slice(document.title.indexOf(" · "));
    showWords();
    var safety = document.getElementById("safety");
    safety.textContent = "";
    appendParts(safety, w.safety);
    var next = Object.keys(data.words).filter(function (c) { return c !== code; })[0];
    switchButton.value = next;
    switchButton.lang = next;
    Array.prototype.forEach.call(document.querySelectorAll("input[name=lang]"), function (field) {
      field.value = code;
    });
  }

  function post(body, attempt) {
    return fetch(data.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer"
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, json: json }; });
    }).then(function (result) {
      if (result.status === 200) {
        if (result.json.replies.length === 0) { addMessage("notice", [{ text: words().no_reply }]); }
        result.json.replies.forEach(function (reply) { addMessage("bot", reply.parts); });
        if (result.json.lang) { setLanguage(result.json.lang); }
      } else if (result.json.error === "token" && result.json.token && attempt === 0) {
        token = result.json.token; // issued again (the server's key changed): start a new conversation
        saveToken(token);
        body.token = token;
        return post(body, attempt + 1);
      } else {
        addMessage("notice", [{ text: words().bad_request }]);
      }
    }, function () {
      if (attempt < RETRIES) {
        return new Promise(function (resolve) { window.setTimeout(resolve, 400 * (attempt + 1)); })
          .then(function () { return post(body, attempt + 1); });
      }
      addMessage("notice", [{ text: words().error + " " }].concat(words().safety));
    });
  }

  function send(text) {
    addMessage("you", [{ text: text }]);
    var body = { token: token, id: newId(), text: text, lang: lang };
    queue = queue.then(function () { return post(body, 0); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    input.focus();
    if (text.trim()) { send(text); }
  });

  showWords(); // with this script running, the hint can promise the Escape key too

  switchForm.addEventListener("submit", function (event) {
    event.preventDefault();
    send(data.switch[switchButton.value]);
  });
})();
