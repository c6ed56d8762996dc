package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/medjournal/medjournal/store"
)

func backup(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "backup", "backup [--db PATH] --to FILE")
	db := dbFlag(fs)
	to := fs.String("to", "", "file to write the backup to; must not exist [MEDJOURNAL_TO]")
	if err := parseWithEnv(e, fs, args); err != nil {
		return err
	}
	if *to == "" {
		return errors.New("backup: --to FILE is required")
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *to); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s\n", *db, *to)
	return nil
}
