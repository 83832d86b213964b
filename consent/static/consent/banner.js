/*
 * MicroPIM cookie banner (privacy policy §10.2–§10.4, §7.8). Plain JavaScript, no framework.
 *
 * Embed:  <script src="https://privacy.micropim.net/static/consent/banner.js"
 *                 data-api="https://privacy.micropim.net" data-policy-version="1.0"
 *                 data-banner-version="1" data-cookie-domain=".micropim.net" defer></script>
 * Scripts that set analytics or marketing cookies are written as
 *   <script type="text/plain" data-consent="analytics">…</script>
 * and run only once their category is allowed. Any element with data-cookie-settings
 * opens the "Cookie Settings" panel (§10.3); window.MicroPIMConsent.open() does too.
 * Optional data-portal-url="https://privacy.micropim.net/privacy/cookies/": the panel then
 * links to the privacy portal's cookie choices page with this browser's visitor id.
 *
 * Global Privacy Control (§10.4): when navigator.globalPrivacyControl is true, analytics
 * and marketing are off and we do not even ask for them; the decision is recorded once.
 */
(function () {
  "use strict";
  if (window.MicroPIMConsent) return;

  var script = document.currentScript || {};
  var data = script.dataset || {};
  var API = (data.api || new URL(script.src || location.href).origin).replace(/\/$/, "");
  var POLICY = data.policyVersion || "1.0";
  var BANNER = data.bannerVersion || "1";
  var COOKIE_DOMAIN = data.cookieDomain || "";
  var PORTAL_URL = data.portalUrl || "";
  var LANG = (data.lang || document.documentElement.lang || "en").slice(0, 2) === "ro" ? "ro" : "en";
  var GPC = navigator.globalPrivacyControl === true;
  var STORE = "mp_consent";
  var VID = "mp_vid";
  var CATEGORIES = ["analytics", "marketing"];
  var COOKIE_PREFIXES = { analytics: ["_ga", "_gid", "_gat"], marketing: ["_fbp", "_fbc"] };

  var T = {
    en: {
      title: "Cookies on this site",
      text: "We use strictly necessary cookies to run the site. With your consent we also use analytics cookies (Google Analytics) and marketing cookies (Facebook Pixel). You can change your choice at any time under “Cookie Settings”.",
      accept: "Accept all", reject: "Reject all", customize: "Customize", save: "Save choices", close: "Close",
      necessary: "Strictly necessary (always on)", analytics: "Analytics", marketing: "Marketing",
      gpc: "Your browser sends a Global Privacy Control signal, so analytics and marketing cookies stay off. Only strictly necessary cookies are used.",
      settings: "Cookie Settings", portal: "See or change this choice on our privacy portal"
    },
    ro: {
      title: "Cookie-uri pe acest site",
      text: "Folosim cookie-uri strict necesare pentru funcționarea site-ului. Cu acordul dumneavoastră folosim și cookie-uri de analiză (Google Analytics) și de marketing (Facebook Pixel). Vă puteți schimba oricând alegerea din „Setări cookie-uri”.",
      accept: "Accept toate", reject: "Refuz toate", customize: "Personalizez", save: "Salvez alegerea", close: "Închide",
      necessary: "Strict necesare (mereu active)", analytics: "Analiză", marketing: "Marketing",
      gpc: "Browserul dumneavoastră trimite semnalul Global Privacy Control, așa că cookie-urile de analiză și de marketing rămân dezactivate. Folosim doar cookie-uri strict necesare.",
      settings: "Setări cookie-uri", portal: "Vedeți sau schimbați această alegere pe portalul de confidențialitate"
    }
  }[LANG];

  // --- storage: a first-party visitor id cookie (shared by our subdomains) + the choice ---
  function readCookie(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : null;
  }
  function writeCookie(name, value, maxAgeDays) {
    var c = name + "=" + encodeURIComponent(value) + "; path=/; SameSite=Lax; max-age=" + maxAgeDays * 86400;
    if (COOKIE_DOMAIN) c += "; domain=" + COOKIE_DOMAIN;
    if (location.protocol === "https:") c += "; Secure";
    document.cookie = c;
  }
  function randomId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function visitorId() {
    var id = readCookie(VID);
    if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) id = randomId();
    writeCookie(VID, id, 395);  // strictly necessary: remembers the choice itself
    return id;
  }
  function loadChoice() {
    try { return JSON.parse(localStorage.getItem(STORE) || "null"); } catch (e) { return null; }
  }
  function saveChoice(choice) {
    try { localStorage.setItem(STORE, JSON.stringify(choice)); } catch (e) { /* private mode */ }
  }

  // --- applying a choice: run waiting scripts, drop cookies of withdrawn categories ---
  var current = null;
  var listeners = [];
  function activate(category) {
    var blocked = document.querySelectorAll('script[type="text/plain"][data-consent="' + category + '"]');
    Array.prototype.forEach.call(blocked, function (old) {
      var s = document.createElement("script");
      Array.prototype.forEach.call(old.attributes, function (a) { if (a.name !== "type") s.setAttribute(a.name, a.value); });
      s.text = old.text;
      old.parentNode.replaceChild(s, old);
    });
  }
  function dropCookies(category) {
    document.cookie.split("; ").forEach(function (pair) {
      var name = pair.split("=")[0];
      COOKIE_PREFIXES[category].forEach(function (prefix) {
        if (name.indexOf(prefix) === 0) {
          var host = location.hostname.split(".");
          for (var i = 0; i < host.length - 1; i++) {
            document.cookie = name + "=; path=/; max-age=0; domain=." + host.slice(i).join(".");
          }
          document.cookie = name + "=; path=/; max-age=0";
        }
      });
    });
  }
  function apply(choice) {
    var before = current;
    current = choice;
    CATEGORIES.forEach(function (c) {
      if (choice[c]) activate(c);
      else if (before && before[c]) dropCookies(c);
    });
    var detail = { necessary: true, analytics: choice.analytics, marketing: choice.marketing, gpc: choice.gpc };
    document.documentElement.setAttribute("data-consent-analytics", String(choice.analytics));
    document.documentElement.setAttribute("data-consent-marketing", String(choice.marketing));
    listeners.forEach(function (fn) { try { fn(detail); } catch (e) { /* a listener's bug is not ours */ } });
    window.dispatchEvent(new CustomEvent("micropim:consent", { detail: detail }));
  }

  // --- talking to the privacy service ---
  function post(choice) {
    var body = JSON.stringify({
      visitor_id: choice.visitor_id, necessary: true, analytics: choice.analytics,
      marketing: choice.marketing, policy_version: POLICY, banner_version: BANNER, gpc: GPC
    });
    // text/plain keeps this a CORS "simple request": no preflight, one request per decision.
    return fetch(API + "/api/v1/consent/", {
      method: "POST", body: body, credentials: "omit", keepalive: true, mode: "cors",
      headers: { "Content-Type": "text/plain;charset=UTF-8" }
    }).then(function (r) {
      choice.synced = r.status === 201;  // a 429 or outage: keep the choice, retry next visit
      saveChoice(choice);
      return choice;
    }, function () { return choice; });
  }
  function fetchRemote(vid) {
    return fetch(API + "/api/v1/consent/" + encodeURIComponent(vid) + "/", { credentials: "omit", mode: "cors" })
      .then(function (r) { return r.status === 200 ? r.json() : null; }, function () { return null; });
  }
  function decide(analytics, marketing) {
    var choice = {
      visitor_id: visitorId(), analytics: !GPC && !!analytics, marketing: !GPC && !!marketing,
      policy_version: POLICY, banner_version: BANNER, gpc: GPC, synced: false
    };
    saveChoice(choice);
    apply(choice);
    closeUi();
    return post(choice);
  }

  // --- the banner and the settings panel ---
  var ui = null;
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }
  function button(action, label) {
    var b = el("button", { type: "button", "data-action": action }, label);
    b.style.cssText = "font:inherit;margin:.25rem .5rem .25rem 0;padding:.5rem 1rem;border:1px solid #1b1f24;border-radius:.35rem;background:#fff;color:#1b1f24;cursor:pointer";
    return b;
  }
  function toggle(name, label, checked, disabled) {
    var row = el("label", { style: "display:block;margin:.3rem 0" });
    var box = el("input", { type: "checkbox", name: name });
    box.checked = checked;
    box.disabled = !!disabled;
    row.appendChild(box);
    row.appendChild(document.createTextNode(" " + label));
    return row;
  }
  function closeUi() {
    if (ui && ui.parentNode) ui.parentNode.removeChild(ui);
    ui = null;
  }
  function render(mode) {
    closeUi();
    ui = el("div", { id: "mp-consent", role: "dialog", "aria-live": "polite", "aria-label": T.title, "data-mode": mode });
    ui.style.cssText = "position:fixed;left:1rem;right:1rem;bottom:1rem;z-index:2147483647;max-width:40rem;margin:auto;padding:1rem 1.25rem;background:#fff;color:#1b1f24;border:1px solid #1b1f24;border-radius:.5rem;box-shadow:0 4px 18px rgba(0,0,0,.2);font:15px/1.45 system-ui,sans-serif";
    ui.appendChild(el("strong", {}, T.title));
    var choice = current || {};
    if (GPC) {
      // §10.4: nothing to ask — only strictly necessary cookies remain.
      ui.appendChild(el("p", { "data-gpc-notice": "" }, T.gpc));
      ui.appendChild(toggle("necessary", T.necessary, true, true));
      ui.appendChild(button("close", T.close));
    } else if (mode === "banner") {
      ui.appendChild(el("p", {}, T.text));
      ui.appendChild(button("accept", T.accept));
      ui.appendChild(button("reject", T.reject));
      ui.appendChild(button("customize", T.customize));
    } else {
      ui.appendChild(el("p", {}, T.text));
      ui.appendChild(toggle("necessary", T.necessary, true, true));
      ui.appendChild(toggle("analytics", T.analytics, !!choice.analytics));
      ui.appendChild(toggle("marketing", T.marketing, !!choice.marketing));
      ui.appendChild(button("save", T.save));
      ui.appendChild(button("reject", T.reject));
      ui.appendChild(button("accept", T.accept));
    }
    ui.addEventListener("click", function (ev) {
      var action = ev.target && ev.target.getAttribute("data-action");
      if (action === "accept") decide(true, true);
      else if (action === "reject") decide(false, false);
      else if (action === "customize") render("settings");
      else if (action === "close") closeUi();
      else if (action === "save") {
        decide(ui.querySelector('input[name="analytics"]').checked, ui.querySelector('input[name="marketing"]').checked);
      }
    });
    var vid = (current && current.visitor_id) || readCookie(VID);
    if (PORTAL_URL && mode !== "banner" && vid) {
      var link = el("a", { href: PORTAL_URL + (PORTAL_URL.indexOf("?") < 0 ? "?" : "&") + "visitor=" + encodeURIComponent(vid),
                           "data-portal-link": "" }, T.portal);
      link.style.cssText = "display:block;margin-top:.5rem;color:#1b1f24";
      ui.appendChild(link);
    }
    (document.body || document.documentElement).appendChild(ui);
  }

  function bindSettingsLinks() {
    document.addEventListener("click", function (ev) {
      var link = ev.target && ev.target.closest && ev.target.closest("[data-cookie-settings]");
      if (link) { ev.preventDefault(); render("settings"); }
    });
  }

  window.MicroPIMConsent = {
    get: function () { return current ? { necessary: true, analytics: current.analytics, marketing: current.marketing, gpc: current.gpc } : null; },
    open: function () { render("settings"); },
    onChange: function (fn) { listeners.push(fn); if (current) fn(window.MicroPIMConsent.get()); },
    gpc: GPC
  };

  function start() {
    bindSettingsLinks();
    var stored = loadChoice();
    var valid = stored && stored.policy_version === POLICY && stored.visitor_id;
    if (GPC) {
      // Record the refusal once per policy version; never show the banner.
      if (valid && stored.gpc && !stored.analytics && !stored.marketing) {
        apply(stored);
        if (!stored.synced) post(stored);
      } else {
        decide(false, false);
      }
      return;
    }
    if (valid) {
      apply(stored);
      if (!stored.synced) post(stored);
      return;
    }
    var vid = readCookie(VID);
    if (vid) {
      // Chosen on another of our sites (shared visitor id cookie): read it before asking.
      fetchRemote(vid).then(function (remote) {
        if (remote && remote.policy_version === POLICY && !remote.gpc) {
          var choice = { visitor_id: vid, analytics: remote.analytics, marketing: remote.marketing,
                         policy_version: POLICY, banner_version: BANNER, gpc: false, synced: true };
          saveChoice(choice);
          apply(choice);
        } else {
          render("banner");
        }
      });
      return;
    }
    render("banner");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
