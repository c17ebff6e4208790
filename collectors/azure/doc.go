// Package azure is the read-only Azure collector (the Azure issue). Collect
// reads the subscriptions in scope (given, under a management group, or all
// the credential can list) through the official SDK's ARM clients, each built
// by clientOptions: resource-provider registration off, ReadOnly (which
// refuses, before anything leaves the process, every request that is not a
// read and any operation that returns secrets), the allow-list of the
// operations the services declare (Operations), and bounded retries that
// honour Retry-After. Services (storage, network, keyvault) register
// themselves from their own files with the resource types they cover. What
// could not be read is a CollectError naming the subscription, service,
// operation and the types it hid; LoadCloud reads a custom cloud
// (--azure-cloud FILE).
package azure
