// Package azure is the start of the read-only Azure collector (the Azure
// issue): what every request to Azure goes through, before any collector code
// sends one. ReadOnly is the pipeline policy that refuses, before anything
// leaves the process, every request that is not a read (PUT, PATCH, DELETE, a
// POST not on the allow-list of read operations, and any operation that
// returns secrets); LoadCloud reads a custom cloud (--azure-cloud FILE). The
// collector, its registration and its checks build on them.
package azure
