package github

import "strings"

// StripUserinfo removes any user name and password from a git remote URL, however
// it is written, without relying on url.Parse (which rejects many URLs git
// accepts, and returns them whole): scheme://[userinfo@]host/…, ssh://, git://,
// file://, and scp-like [userinfo@]host:path. Passwords holding '@', '/', '#', '?'
// or a malformed %-escape lose all of it, and so does a user name alone (a token is
// often written there). Local paths, and URLs without userinfo, are returned as
// they are.
func StripUserinfo(raw string) string {
	if i := strings.Index(raw, "://"); i > 0 && isScheme(raw[:i]) {
		rest := raw[i+3:]
		if cut := userinfoEnd(rest, "/?#", "/?#"); cut >= 0 {
			return raw[:i+3] + rest[cut+1:]
		}
		return raw
	}
	// scp-like: [user[:pass]@]host:path, where a ':' comes before any '/'. A
	// password may itself hold ':' or '/', so any '@' followed by a host and a ':'
	// ends the userinfo.
	if !strings.Contains(raw, "@") || isLocalPath(raw) {
		return raw
	}
	if cut := userinfoEnd(raw, ":/", "/"); cut >= 0 {
		return raw[cut+1:]
	}
	return raw
}

// userinfoEnd finds the '@' that ends the userinfo at the start of s (the part
// after "scheme://", or an scp-like remote), or -1 when there is none. The host
// ends at one of hostEnd. It is the last '@' followed by something that looks like
// a host name (a dot, localhost or a [literal], an optional :port); else, when an
// '@' comes before the first of authEnd (as git reads a URL), the last '@' of s.
func userinfoEnd(s, hostEnd, authEnd string) int {
	cut := -1
	for i := strings.IndexByte(s, '@'); i >= 0; {
		host := s[i+1:]
		if j := strings.IndexAny(host, hostEnd); j >= 0 {
			host = host[:j]
		}
		if looksLikeHost(host) {
			cut = i
		}
		k := strings.IndexByte(s[i+1:], '@')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	if cut >= 0 {
		return cut
	}
	at := strings.IndexByte(s, '@')
	if at >= 0 && at < indexAnyOrLen(s, authEnd) {
		return strings.LastIndexByte(s, '@')
	}
	return -1
}

func indexAnyOrLen(s, chars string) int {
	if i := strings.IndexAny(s, chars); i >= 0 {
		return i
	}
	return len(s)
}

// looksLikeHost: a DNS name with a dot, localhost, or an IP literal in brackets,
// with an optional numeric port (scp-like hosts are cut at ':' already).
func looksLikeHost(h string) bool {
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return false
		}
		return validPort(h[end+1:])
	}
	name, port, hasPort := strings.Cut(h, ":")
	if hasPort && !validPort(":"+port) {
		return false
	}
	if name == "" {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return strings.Contains(name, ".") || strings.EqualFold(name, "localhost")
}

// validPort: empty, or ':' and digits.
func validPort(p string) bool {
	if p == "" {
		return true
	}
	if p[0] != ':' || len(p) == 1 {
		return false
	}
	for _, c := range p[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isScheme: a URL scheme (letter, then letters, digits, '+', '-', '.').
func isScheme(s string) bool {
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// isLocalPath: git reads a remote as a local path when it starts with '/', '.'
// or '~', or when a '/' comes before the first ':' (./a:b, dir/x:y).
func isLocalPath(s string) bool {
	if s == "" || s[0] == '/' || s[0] == '.' || s[0] == '~' {
		return true
	}
	colon := strings.IndexByte(s, ':')
	slash := strings.IndexByte(s, '/')
	return colon < 0 || (slash >= 0 && slash < colon && !strings.Contains(s[:slash], "@"))
}
