package server

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// Page sizes for every List method (AIP-158): 0 means the default, and larger requests are
// served at the maximum rather than refused.
const (
	defaultPageSize = 50
	maxPageSize     = 500
)

func pageSize(requested int32) int {
	switch {
	case requested <= 0:
		return defaultPageSize
	case requested > maxPageSize:
		return maxPageSize
	}
	return int(requested)
}

// pageToken is the opaque position a List call continues from: the sort key of the last
// item returned, and a fingerprint of the query, since a token must not be replayed with
// other filters (AIP-158).
type pageToken struct {
	Time  int64  `json:"t"`
	ID    string `json:"i"`
	N     int32  `json:"n,omitempty"` // a leading sort key, e.g. a flag's urgency
	Query string `json:"q"`
}

func (pt pageToken) time() time.Time { return time.UnixMilli(pt.Time).UTC() }

// queryFingerprint identifies a query's filters in a page token.
func queryFingerprint(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:8])
}

func encodePageToken(pt pageToken) string {
	b, _ := json.Marshal(pt)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodePageToken returns the position in token, checking it was made for query.
func decodePageToken(token, query string) (pageToken, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	var pt pageToken
	if err == nil {
		err = json.Unmarshal(b, &pt)
	}
	if err != nil || pt.ID == "" {
		return pageToken{}, invalidArgument("page_token", "not a page token from this method; start again without one")
	}
	if pt.Query != query {
		return pageToken{}, invalidArgument("page_token", "was made for other filters; keep the filters of the first page or start again")
	}
	return pt, nil
}
