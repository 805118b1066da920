/**
 * The small port between the execute stage and the bundle engine, in the
 * shape of src/engine/port.ts: check before write (`prepare…` only reads and
 * says what the write will do), per-image failures thrown as EngineFailure,
 * no Settings, plans or advice text. An export writes one bundle from many
 * images and is finished once; an import reads one.
 */
import type { ImageReference } from '../../reference.js'
import type { LookupOutcome, OperationContext } from '../port.js'
import type { RecordedImage } from './record.js'

/** Where an exported image is read, in order of preference. */
export type ExportOrigin = { kind: 'registry'; ref: ImageReference } | { kind: 'daemon'; name: string; fallback?: ImageReference }

export interface ExportRequest {
  kind: 'base' | 'service'
  /** Normalised plan source, the record's key. */
  source: string
  target: ImageReference
  origins: Array<{ file: string; line: number }>
  from: ExportOrigin
}

export interface PreparedExport {
  request: ExportRequest
  /** The bundle already holds it unchanged, or its baseline does: nothing to fetch. */
  done?: ExportOutcome
  steps: string[]
  state?: unknown
  /** The source's manifest digest, as prepare's HEAD found it (registry sources only). */
  sourceDigest?: string
}

export interface ExportOutcome {
  status: 'exported' | 'already-present'
  image: RecordedImage
  /** Bytes fetched into the bundle for this image. */
  bytesTransferred: number
  /** Bytes it references that the bundle (or its baseline) already held. */
  bytesSkipped: number
}

export interface ImportRequest {
  /** The recorded image, from the bundle's plan. */
  image: RecordedImage
  target: ImageReference
}

export interface PreparedImport {
  request: ImportRequest
  done?: ImportOutcome
  steps: string[]
  state?: unknown
}

export interface ImportOutcome {
  status: 'imported' | 'already-present'
  digest: string
  size: number
  platforms?: string[]
  bytesTransferred: number
  bytesSkipped: number
}

/** Counts bytes as they move, for progress lines at a steady rate. */
export interface TransferMeter {
  /** More bytes are expected for this image. */
  expect(image: string, bytes: number): void
  moved(image: string, bytes: number): void
}

export interface BundleExportPort {
  prepareExport(request: ExportRequest, context: OperationContext): Promise<PreparedExport>
  export(prepared: PreparedExport, context: OperationContext): Promise<ExportOutcome>
  /** Writes index.json and the record, keeps only what the images reference, seals a .tar. */
  finish(images: RecordedImage[], context: { registry: string | null; tag: string | null; platforms: string[] }): Promise<{ path: string; blobs: number; bytes: number; digest?: string }>
  close(): Promise<void>
}

export interface BundleImportPort {
  prepareImport(request: ImportRequest, context: OperationContext): Promise<PreparedImport>
  import(prepared: PreparedImport, context: OperationContext): Promise<ImportOutcome>
  close(): Promise<void>
}

export interface BundleLookupPort {
  describeLookup(target: ImageReference): string[]
  lookup(target: ImageReference, context: OperationContext): Promise<LookupOutcome>
}
