// Package evidence owns raw evidence and redaction: where collectors keep what
// they read (Sink, Dir, the evidence/ paths a facts file cites: Prefix, ValidPath)
// and the secret patterns Redact removes from anything that reaches a facts
// file, a report or an evidence pack. The reference a resource cites
// (checks.EvidenceRef) belongs to the fact model, in package checks.
package evidence
