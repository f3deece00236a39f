/**
 * @module render/listing-view
 * How a listing presents itself (heading, description, paths, feeds and, for an author, the
 * profile), from the listing and its subject. Both the builders that prebuild listings and the
 * reader's deeper pages use it, so a page and its prebuilt first page always agree.
 */
import type { Site } from "../core/config";
import { textOf } from "../core/interface-text-en";
import { absoluteImageUrl } from "../feeds/model";
import { type Listing, listingFeedPaths, listingPagePath } from "../targets/listings";
import type { ListingView } from "./listing";

/** Whose listing it is: a section's or tag's name, or an author's profile, as D1 stores them. */
export interface ListingSubject {
  name: string;
  bio: string;
  url: string | null;
  photo_url: string | null;
}

/** The home page is nobody's: its subject is empty, and always there. */
export const NO_SUBJECT: ListingSubject = { name: "", bio: "", url: null, photo_url: null };

/** How a listing presents itself: heading, description, paths and, for an author, the profile. */
export function listingView(site: Site, listing: Listing, subject: ListingSubject): ListingView {
  const common = {
    path: (page: number) => listingPagePath(listing, page),
    feeds: listingFeedPaths(listing),
  };
  switch (listing.kind) {
    case "home":
      return {
        ...common,
        heading: textOf(site).latest,
        description: site.description,
        feedTitle: site.title,
        empty: textOf(site).nothingYet,
      };
    case "section":
      return {
        ...common,
        heading: subject.name,
        description: `The latest ${subject.name} articles from ${site.title}.`,
        feedTitle: `${subject.name} · ${site.title}`,
        empty: "Nothing has been published in this section yet.",
      };
    case "tag":
      return {
        ...common,
        heading: `Tagged “${subject.name}”`,
        description: `Articles tagged ${subject.name} on ${site.title}.`,
        feedTitle: `${subject.name} · ${site.title}`,
        empty: "Nothing has been published with this tag yet.",
      };
    case "author":
      return {
        ...common,
        heading: subject.name,
        description: subject.bio || `Articles by ${subject.name} on ${site.title}.`,
        feedTitle: `${subject.name} · ${site.title}`,
        empty: "Nothing has been published by this author yet.",
        author: {
          name: subject.name,
          bio: subject.bio,
          ...(subject.url ? { url: subject.url } : {}),
          ...(subject.photo_url ? { photoUrl: absoluteImageUrl(site, subject.photo_url) } : {}),
        },
      };
  }
}
