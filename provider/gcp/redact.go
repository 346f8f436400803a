package gcp

import "regexp"

// credentialText matches what looks like a credential in a message from
// Google, case-insensitive: a bearer token ("Bearer <token>"), an OAuth
// access token ("ya29.…") and an API key ("AIza…").
var credentialText = regexp.MustCompile(`(?i)\bbearer\s+[^\s"',;)]+|\bya29\.[\w.~+/=-]+|\bAIza[\w-]{20,}`)

// redact replaces the credential-looking text of a message from Google
// (an error's or an operation's) with "[redacted]", so a token the server
// echoes back never reaches an error, a log or a rendering.
func redact(msg string) string {
	return credentialText.ReplaceAllString(msg, "[redacted]")
}
