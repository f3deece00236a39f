/**
 * @module render/live-script
 * The optional script of a live page, served by the site itself (`GET /live-<version>.js`, under
 * the reader pages' CSP, which allows scripts from 'self' only). While the tab is visible and
 * coverage is open (the JSON document's `open`, until its `end` passes) it asks the page's JSON
 * document every 30 s for updates newer than the page's newest, and offers "N new updates" as a
 * button that reloads the page: it never moves the text under the reader's eyes. The page is
 * complete without it. Plain ES2017, no build step; a unit test keeps it under 3 KB gzipped.
 */
import { LIVE_POLL_SECONDS } from "../core/live";

/** Bump when the script changes: its URL is cached for a year. */
const LIVE_SCRIPT_VERSION = 1;

/** Where the script is served. */
export const LIVE_SCRIPT_PATH = `/live-${LIVE_SCRIPT_VERSION}.js`;

/** The script's source. */
export const LIVE_SCRIPT = `(function () {
  "use strict";
  var section = document.querySelector("[data-live-status]");
  if (!section || !window.fetch || !document.addEventListener) return;
  var url = section.getAttribute("data-live-status");
  var since = Number(section.getAttribute("data-since")) || 0;
  var timer = 0;
  var closed = false;
  // A polite live region: screen readers hear the offer once, without losing their place.
  var offer = document.createElement("div");
  offer.className = "live-new";
  offer.setAttribute("role", "status");
  var heading = section.querySelector("h2");
  section.insertBefore(offer, heading ? heading.nextSibling : section.firstChild);
  function show(count) {
    offer.textContent = "";
    if (!count) return;
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = count === 1 ? "1 new update" : (count >= 50 ? "50+" : count) + " new updates";
    button.addEventListener("click", function () { location.reload(); });
    offer.appendChild(button);
  }
  function stop() { if (timer) clearInterval(timer); timer = 0; }
  function poll() {
    fetch(url, { cache: "no-cache", credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status || !status.updates) return;
        var count = 0;
        for (var i = 0; i < status.updates.length; i++) if (status.updates[i].at > since) count++;
        show(count);
        if (!status.open || (status.end && Date.parse(status.end) <= Date.now())) { closed = true; stop(); }
      })
      .catch(function () {});
  }
  function start() {
    stop();
    if (closed || document.visibilityState === "hidden") return;
    timer = setInterval(poll, ${LIVE_POLL_SECONDS * 1000});
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") stop();
    else if (!closed) { poll(); start(); }
  });
  start();
})();
`;
