// The contract every verb implements and the ports of its context: defined with the engine in
// calls/ports.ts (the engine must not import the verbs), re-exported here for the verb files.
export { NEXT } from "../calls/ports.js";
export type {
  BridgeOptions,
  BridgeResult,
  Document,
  DocumentFailure,
  LegsPort,
  MessagesPort,
  NewCallFields,
  Outcome,
  QueuesPort,
  RecordingOptions,
  RecordingsPort,
  RingResult,
  RoomsPort,
  SubDocumentOptions,
  SubDocumentResult,
  Verb,
  VerbContext,
  VerbRegistry,
  WebhooksPort,
} from "../calls/ports.js";
