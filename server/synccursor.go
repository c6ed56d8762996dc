package server

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Sync cursors are opaque to phones; inside they are a position in the store's order of
// changes, versioned so the format can change without confusing old phones.
const syncCursorPrefix = "c1:"

func encodeSyncCursor(pos int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(syncCursorPrefix + strconv.FormatInt(pos, 10)))
}

func decodeSyncCursor(cursor string) (int64, error) {
	if cursor == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	s, ok := strings.CutPrefix(string(b), syncCursorPrefix)
	pos, perr := strconv.ParseInt(s, 10, 64)
	if err != nil || !ok || perr != nil || pos < 0 {
		return 0, invalidArgument("cursor", "not a cursor from Sync; send an empty cursor to sync from the start")
	}
	return pos, nil
}
