/**
 * @module cli/scrape/rules/caption
 * The rule for a photo caption that carries its credit: "… on March 27, 2025. (Source: Getty Images)",
 * "… in Lahore. PHOTO: AFP" or "… | Photo: Jane Doe".
 */
import type { LineRule, Verdict } from "./verdict";

const CREDIT_WORD = "(?:source|photo|photograph|image|picture|pic|credit|foto|bild)s?";
const IN_BRACKETS = new RegExp(`^(.{20,}?)\\s*\\(\\s*${CREDIT_WORD}\\s*:\\s*([^()]{2,100}?)\\s*\\)$`, "i");
const AFTER_SENTENCE = new RegExp(`^(.{20,}?[.!?"”])\\s*(?:\\|\\s*)?${CREDIT_WORD}\\s*:\\s*([^.!?]{2,60})$`, "i");
const AFTER_BAR = new RegExp(`^(.{20,}?)\\s*\\|\\s*${CREDIT_WORD}\\s*:\\s*([^.!?]{2,60})$`, "i");

/**
 * Splits a credited caption into its text and credit.
 * @example splitCaption("Rescuers in Lahore. PHOTO: AFP") // { caption: "Rescuers in Lahore.", credit: "AFP" }
 */
export function splitCaption(text: string): { caption: string; credit: string } | undefined {
  const [, caption, credit] = IN_BRACKETS.exec(text) ?? AFTER_SENTENCE.exec(text) ?? AFTER_BAR.exec(text) ?? [];
  return caption && credit ? { caption: caption.trim(), credit: credit.trim() } : undefined;
}

function caption(text: string): Verdict | undefined {
  const split = splitCaption(text);
  return split ? { kind: "caption", ...split } : undefined;
}

export const CAPTION_RULES: readonly LineRule[] = [{ name: "caption", match: caption }];
