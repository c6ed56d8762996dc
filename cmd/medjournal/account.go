package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/medjournal/medjournal/auth"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
	"github.com/medjournal/medjournal/store"
)

// minPasswordLen matches the SignUp rule in account.proto.
const minPasswordLen = 12

func account(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: medjournal account create --role clinician|admin --email EMAIL --password-stdin")
	}
	fs := newFlagSet(e, "account create", "account create --role clinician|admin --email EMAIL --password-stdin [--name NAME]")
	db := dbFlag(fs)
	role := fs.String("role", "clinician", "clinician or admin [MEDJOURNAL_ROLE]")
	email := fs.String("email", "", "sign-in e-mail address [MEDJOURNAL_EMAIL]")
	name := fs.String("name", "", "display name; defaults to the e-mail address [MEDJOURNAL_NAME]")
	tz := fs.String("time-zone", "UTC", "IANA time zone [MEDJOURNAL_TIME_ZONE]")
	passwordStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := parseWithEnv(e, fs, args[1:]); err != nil {
		return err
	}
	r, err := parseRole(*role)
	if err != nil {
		return err
	}
	if !strings.Contains(*email, "@") {
		return errors.New("account create: --email must be an e-mail address")
	}
	if !*passwordStdin {
		// Never from a flag: it would sit in the shell history and the process list.
		return errors.New("account create: --password-stdin is required; pipe the password in")
	}
	password, err := readPassword(e)
	if err != nil {
		return err
	}
	if _, err := time.LoadLocation(*tz); err != nil {
		return fmt.Errorf("account create: --time-zone %q is not an IANA time zone", *tz)
	}
	if *name == "" {
		*name = *email
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	hash, err := auth.NewHasher(auth.OWASPParams, 1).Hash(ctx, password)
	if err != nil {
		return err
	}
	acct, err := st.CreateAccount(ctx, &medjournalv1.Account{
		Email: *email, DisplayName: *name, Role: r, TimeZone: *tz,
	}, hash)
	if errors.Is(err, storage.ErrAlreadyExists) {
		return fmt.Errorf("account create: an account with e-mail %s exists", storage.NormalizeEmail(*email))
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, acct.Id)
	return nil
}

func parseRole(s string) (medjournalv1.Role, error) {
	switch strings.ToLower(s) {
	case "clinician":
		return medjournalv1.Role_ROLE_CLINICIAN, nil
	case "admin":
		return medjournalv1.Role_ROLE_ADMIN, nil
	case "patient":
		return 0, errors.New("account create: patients sign up in the app; --role must be clinician or admin")
	}
	return 0, fmt.Errorf("account create: unknown --role %q; use clinician or admin", s)
}

func readPassword(e env) (string, error) {
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("account create: no password on standard input")
	}
	password := strings.TrimRight(line, "\r\n")
	if n := utf8.RuneCountInString(password); n < minPasswordLen {
		return "", fmt.Errorf("account create: the password has %d characters; it needs at least %d", n, minPasswordLen)
	}
	return password, nil
}
