// Package pack owns the evidence pack (docs/evidence-pack.md): the one file an
// assessor is given to check an assessment without trusting the machine that
// made it.
//
//   - Build makes the pack of one assessment, from the runner's Prepared and
//     Result (controls/runner) and the facts PrepareFacts made ready (redacted,
//     with the raw evidence they cite): facts, findings, assessment, the packed
//     checks, catalogue, attestations and waivers, the human reports, the
//     manifest and, given a key, its signature. Files writes it as a zip or a
//     directory, byte for byte the same for the same inputs.
//   - Read reads a pack (zip file or directory) as untrusted input, within
//     Limits; ValidPath is the rule every path in a pack obeys.
//     ReadReportInput and ReadAssessment read what reports and diff are made
//     from, with every file checked against the manifest.
//   - GenerateKey, ParsePrivateKey, ParsePublicKey and KeyFingerprint handle the
//     ed25519 keys that sign a manifest.
//   - Verify checks a pack: digests, layout, signature, the packed checks
//     against those sdescan ships, and that its findings, assessment and reports
//     follow from its facts by re-deriving them through the same assessment
//     runner.
//
// Package reports renders; this package imports it for the renderers a pack
// carries and verify compares (reports.Markdown, reports.Board, reports.JSON),
// the names of a pack's fixed files (reports.PackManifest…) and the
// reports.PackSource a report read from a pack cites. reports never imports
// pack.
package pack
