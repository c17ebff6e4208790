package checks

import (
	"net"
	"strings"
)

// LoopbackHost reports whether host (no port; brackets around an IPv6 address
// allowed) is localhost or a loopback address (127.0.0.0/8, ::1), without
// resolving it. Collectors send credentials over plain HTTP only to such a
// host (an emulator or a test server), never across a network.
func LoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	return ip != nil && ip.IsLoopback()
}
