/**
 * @module newsroom/desk/client/desk
 * The desk's only script, and what it earns its place with: the Markdown editor (OverType, over a
 * real textarea), the live preview, autosave to this browser, image upload, the slug from the
 * title and the editor's own time beside the site's. Every page works without it.
 */
import OverType from "overtype";
import { instantFromWallTime } from "../time-zone";

const PREVIEW_DELAY_MS = 600;
const AUTOSAVE_DELAY_MS = 400;
const AUTOSAVE_PREFIX = "broadsheet-desk:";
/** The autosave key of the form just submitted with Save, to forget once the save lands. */
const PENDING_KEY = "broadsheet-desk-pending";

type Saved = { at: number; version: string; values: Record<string, string | string[]> };

function debounce(wait: number, run: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(run, wait);
  };
}

/** Says something in the page's live region for its kind: status for news, alert for problems. */
function announce(text: string, role: "status" | "alert" = "status", action?: HTMLElement): void {
  for (const kind of ["status", "alert"] as const) {
    const region = document.getElementById(`notice-${kind}`);
    if (!region) continue;
    if (kind !== role) {
      region.className = `notice ${kind} empty`;
      region.replaceChildren();
      continue;
    }
    const p = document.createElement("p");
    p.textContent = text;
    if (action) p.append(" ", action);
    region.className = `notice ${kind}`;
    region.replaceChildren(p);
  }
}

/** The form's named values, as autosave keeps them. */
function formValues(form: HTMLFormElement): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  const data = new FormData(form);
  for (const name of new Set(data.keys())) {
    if (name === "version" || name === "article") continue;
    const all = data.getAll(name).filter((v): v is string => typeof v === "string");
    values[name] = name === "authors" ? all : (all[0] ?? "");
  }
  // An unticked checkbox is absent from FormData, but "unticked" is worth keeping too.
  if (!("draft" in values)) values.draft = "";
  if (!("authors" in values)) values.authors = [];
  return values;
}

function applyValues(
  form: HTMLFormElement,
  values: Record<string, string | string[]>,
  editor?: { setValue(v: string): void },
): void {
  for (const element of Array.from(form.elements)) {
    if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement)) continue;
    const value = values[element.name];
    if (value === undefined || element.type === "hidden" || element.type === "file") continue;
    if (element instanceof HTMLInputElement && element.type === "checkbox") {
      element.checked = Array.isArray(value) ? value.includes(element.value) : value !== "";
    } else if (typeof value === "string") {
      if (element.name === "body" && editor) editor.setValue(value);
      else element.value = value;
    }
  }
}

const same = (a: Record<string, string | string[]>, b: Record<string, string | string[]>) =>
  JSON.stringify(a) === JSON.stringify(b);

/** An unsaved copy older than this is dropped rather than offered back. */
const AUTOSAVE_DAYS = 7;

function startAutosave(form: HTMLFormElement, editor: { setValue(v: string): void } | undefined, onRestore: () => void): void {
  // Per editor and per article (its id, which a rename keeps), so no one is offered another's copy.
  const key = `${AUTOSAVE_PREFIX}${form.dataset.autosave ?? "new"}`;
  const params = new URLSearchParams(location.search);
  // A save that landed: this browser's copy is done with.
  if (params.get("n") === "saved" && sessionStorage.getItem(PENDING_KEY)) {
    localStorage.removeItem(sessionStorage.getItem(PENDING_KEY) ?? "");
    sessionStorage.removeItem(PENDING_KEY);
  }
  let stored: Saved | null = null;
  try {
    stored = JSON.parse(localStorage.getItem(key) ?? "null") as Saved | null;
  } catch {
    stored = null;
  }
  // "Discard mine" on the conflict page names the version the copy was made from: only that copy goes.
  const stale = stored && Date.now() - stored.at > AUTOSAVE_DAYS * 86_400_000;
  if (stored && (stale || (params.has("discard") && params.get("discard") === stored.version))) {
    localStorage.removeItem(key);
    stored = null;
  }
  const original = formValues(form);
  const version = form.querySelector<HTMLInputElement>("input[name=version]");
  const loadedVersion = version?.value ?? "";
  if (stored && !same(stored.values, original)) {
    applyValues(form, stored.values, editor);
    // Someone saved since the copy was made: saving it must show both versions, never replace theirs.
    const overtaken = version && stored.version && stored.version !== loadedVersion;
    if (overtaken) version.value = stored.version;
    const discard = document.createElement("button");
    discard.type = "button";
    discard.textContent = "Discard them";
    discard.addEventListener("click", () => {
      applyValues(form, original, editor);
      if (version) version.value = loadedVersion;
      localStorage.removeItem(key);
      announce("Discarded your unsaved changes.");
      onRestore();
    });
    const when = new Date(stored.at).toLocaleString();
    const since = overtaken ? " The article has been saved by someone else since: saving will show you both versions." : "";
    announce(`Restored your unsaved changes from ${when}.${since}`, "status", discard);
    onRestore();
  }
  const save = debounce(AUTOSAVE_DELAY_MS, () => {
    const values = formValues(form);
    if (same(values, original)) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify({ at: Date.now(), version: version?.value ?? "", values } satisfies Saved));
  });
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", (event) => {
    const submitter = (event as SubmitEvent).submitter;
    if (!submitter?.hasAttribute("formaction")) sessionStorage.setItem(PENDING_KEY, key);
  });
}

/**
 * Signing out forgets this editor's unsaved copies, so the next person at this browser finds none
 * of it; if there are any, the editor is asked first.
 */
function startSignOut(): void {
  const form = document.querySelector<HTMLFormElement>("#sign-out");
  const editor = form?.dataset.editor;
  if (!form || !editor) return;
  form.addEventListener("submit", (event) => {
    const prefix = `${AUTOSAVE_PREFIX}${editor}:`;
    const keys = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i) ?? "").filter((k) =>
      k.startsWith(prefix),
    );
    if (keys.length > 0) {
      const count = keys.length === 1 ? "an article" : `${keys.length} articles`;
      if (!confirm(`You have unsaved changes to ${count} in this browser. Sign out and discard them?`)) {
        event.preventDefault();
        return;
      }
    }
    for (const k of keys) localStorage.removeItem(k);
  });
}

function startPreview(form: HTMLFormElement): () => void {
  const frame = document.querySelector<HTMLIFrameElement>("iframe[name=preview]");
  if (!frame) return () => {};
  let latest = 0;
  const refresh = async () => {
    const ticket = ++latest;
    const response = await fetch("/desk/preview", { method: "POST", body: new FormData(form), headers: { Accept: "text/html" } });
    if (ticket !== latest || !response.ok) return;
    const html = await response.text();
    const scroll = frame.contentWindow?.scrollY ?? 0;
    frame.addEventListener("load", () => frame.contentWindow?.scrollTo(0, scroll), { once: true });
    frame.srcdoc = html;
  };
  const later = debounce(PREVIEW_DELAY_MS, () => void refresh().catch(() => {}));
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  void refresh().catch(() => {});
  return later;
}

function startUpload(form: HTMLFormElement, editor: { insertAtCursor(text: string): void } | undefined): void {
  const box = form.querySelector<HTMLElement>(".upload");
  const file = document.querySelector<HTMLInputElement>("#image-file");
  const button = document.querySelector<HTMLButtonElement>("#image-upload");
  const insert = document.querySelector<HTMLButtonElement>("#image-insert");
  const url = form.querySelector<HTMLInputElement>("#image_url");
  const alt = form.querySelector<HTMLInputElement>("#image_alt");
  if (!box || !file || !button || !insert || !url || !alt) return;
  box.hidden = false;
  button.addEventListener("click", async () => {
    const chosen = file.files?.[0];
    if (!chosen) {
      announce("Choose an image to upload first.", "alert");
      file.focus();
      return;
    }
    if (alt.value.trim() === "") {
      announce("Alt text is required: describe the image for readers who cannot see it.", "alert");
      alt.focus();
      return;
    }
    const body = new FormData();
    body.set("file", chosen);
    body.set("alt", alt.value.trim());
    button.disabled = true;
    try {
      const response = await fetch("/desk/media", { method: "POST", body, headers: { Accept: "application/json" } });
      const result = (await response.json()) as {
        url?: string;
        width?: number;
        height?: number;
        error?: string;
        details?: { field: string; problem: string }[];
      };
      if (!response.ok || !result.url) {
        const detail = result.details?.map((d) => `${d.field} ${d.problem}`).join("; ");
        announce(`Not uploaded: ${result.error ?? response.statusText}${detail ? ` (${detail})` : ""}.`, "alert");
        return;
      }
      url.value = result.url;
      url.dispatchEvent(new Event("input", { bubbles: true }));
      insert.hidden = false;
      insert.dataset.markdown = `![${alt.value.trim().replace(/[[\]]/g, "")}](${result.url})`;
      announce(`Uploaded ${chosen.name} (${result.width}×${result.height}) as the lead image.`);
    } catch {
      announce("Not uploaded: the desk could not be reached. Try again.", "alert");
    } finally {
      button.disabled = false;
    }
  });
  insert.addEventListener("click", () => {
    const markdown = insert.dataset.markdown;
    if (markdown && editor) editor.insertAtCursor(`\n\n${markdown}\n\n`);
  });
}

/** On a new article, the slug follows the title until the editor types one. */
function startSlug(form: HTMLFormElement): void {
  const title = form.querySelector<HTMLInputElement>("#title");
  const slug = form.querySelector<HTMLInputElement>("#slug");
  if (!title || !slug) return;
  let edited = slug.value !== "";
  slug.addEventListener("input", () => {
    edited = slug.value !== "";
  });
  title.addEventListener("input", () => {
    if (edited) return;
    slug.value = title.value
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80)
      .replace(/-+$/, "");
  });
}

/** Beside the publication time (site's zone): the same moment in the editor's own zone. */
function startLocalTime(form: HTMLFormElement): void {
  const input = form.querySelector<HTMLInputElement>("#published");
  const out = form.querySelector<HTMLElement>(".local-time");
  const siteZone = out?.dataset.zone;
  if (!input || !out || !siteZone) return;
  const ownZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const show = () => {
    const instant = input.value ? instantFromWallTime(input.value, siteZone) : null;
    if (!instant) {
      out.textContent = "";
      return;
    }
    const own = new Intl.DateTimeFormat(undefined, {
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
    }).format(new Date(instant));
    out.textContent = ownZone === siteZone ? "That is your time zone too." : `In your time zone (${ownZone}): ${own}.`;
  };
  input.addEventListener("input", show);
  show();
}

function startEditor(): void {
  const form = document.querySelector<HTMLFormElement>("#article-form");
  if (!form) return;
  const textarea = form.querySelector<HTMLTextAreaElement>("textarea#body");
  let instance: { setValue(v: string): void; insertAtCursor(text: string): void } | undefined;
  if (textarea) {
    // OverType makes its own textarea: it gets the same id, name and descriptions, so the label,
    // the form and the error messages all still point at it.
    const host = document.createElement("div");
    host.className = "markdown-editor";
    textarea.before(host);
    const props: Record<string, string | boolean> = { id: "body", name: "body", required: true };
    for (const attribute of ["aria-describedby", "aria-invalid"]) {
      const value = textarea.getAttribute(attribute);
      if (value) props[attribute] = value;
    }
    const value = textarea.value;
    textarea.remove();
    [instance] = new OverType(host, {
      value,
      textareaProps: props,
      toolbar: true,
      autoResize: true,
      minHeight: "20rem",
      spellcheck: true,
    });
  }
  // Ctrl+S (⌘S) saves, as in every editor, rather than saving the desk's HTML to disk.
  const save = form.querySelector<HTMLButtonElement>("button.primary");
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s" && save) {
      event.preventDefault();
      form.requestSubmit(save);
    }
  });
  const refreshPreview = startPreview(form);
  startAutosave(form, instance, refreshPreview);
  startUpload(form, instance);
  startSlug(form);
  startLocalTime(form);
}

/** Selects the preview link, so it can be copied at once. */
function startPreviewLink(): void {
  const link = document.querySelector<HTMLInputElement>("#preview-link");
  link?.addEventListener("focus", () => link.select());
}

/**
 * Presence: who else has this article open, and each save as it happens, from the article's
 * WebSocket (newsroom/presence.ts). A save of a version other than the one this page holds is
 * announced with a link to the history, before the editor tries a save that would conflict.
 */
function startPresence(): void {
  const line = document.querySelector<HTMLElement>("#presence[data-presence]");
  const form = document.querySelector<HTMLFormElement>("#article-form");
  if (!line || !form || !("WebSocket" in window)) return;
  const url = new URL(line.dataset.presence ?? "", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const me = document.querySelector<HTMLElement>("#sign-out")?.dataset.editor ?? "";
  const socket = new WebSocket(url);
  socket.addEventListener("message", (event) => {
    let message: { type?: string; people?: Array<{ name: string }>; version?: string; by?: string; diff?: string };
    try {
      message = JSON.parse(String(event.data));
    } catch {
      return;
    }
    if (message.type === "present") {
      const others = (message.people ?? []).map((p) => p.name).filter((name) => name !== me);
      line.textContent = others.length ? `Also here: ${others.join(", ")}.` : "";
    }
    const mine = form.querySelector<HTMLInputElement>('input[name="version"]')?.value;
    if (message.type === "saved" && message.version && message.version !== mine) {
      const link = document.createElement("a");
      link.href = message.diff ?? "#";
      link.textContent = "See what changed";
      announce(`${message.by ?? "Someone"} saved version ${message.version.slice(0, 8)}.`, "alert", link);
    }
  });
}

startEditor();
startPresence();
startPreviewLink();
startSignOut();
