/**
 * @module pipeline/builder
 * What every builder of the read model is: it reads a build target's snapshot from D1 at one
 * generation, renders that snapshot's documents, and may keep books once they are in KV. The
 * listing builders (pipeline/listing-builders.ts) and the live builder (pipeline/live-builder.ts)
 * both have this shape; it lives here so neither imports the other for it.
 */
import type { Site } from "../core/config";
import type { StoredDocument } from "../readmodel/store";
import type { StoredName } from "../targets/document-name";

/** What a builder read, at the listing's generation in D1. */
export interface Snapshot {
  generation: number;
}

export interface BuiltDocument {
  name: StoredName;
  /** Null when the document should not exist. */
  body: string | null;
  /** A subscription feed's own URL: a change to it pings the WebSub hub. */
  feedUrl?: string;
  /**
   * Written only when its bytes changed since D1 last recorded them: a document every build renders
   * but that rarely changes (an edition's navigation and face) costs no KV write on most builds.
   */
  onlyWhenChanged?: true;
  meta: Omit<StoredDocument["meta"], "generation">;
}

export interface ListingBuilder<S extends Snapshot> {
  read(db: D1Database, now: number, name: string): Promise<S>;
  render(site: Site, snapshot: S, now: number, name: string): Promise<BuiltDocument[]>;
  /** Bookkeeping in D1 once the documents are in KV. */
  afterWrite?(db: D1Database, snapshot: S, now: number, name: string): Promise<void>;
}
