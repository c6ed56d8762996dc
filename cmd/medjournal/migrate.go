package main

import (
	"context"
	"fmt"

	"github.com/medjournal/medjournal/store"
)

func migrate(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "migrate", "migrate [--db PATH]")
	db := dbFlag(fs)
	if err := parseWithEnv(e, fs, args); err != nil {
		return err
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	current, _, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s is at schema version %d\n", *db, current)
	return nil
}
