// Package flagging owns medjournal's central workflow: a patient's journal entries and the
// flags they raise for a clinician. Creating, changing, deleting or syncing an entry
// re-evaluates the warning-sign rules (package rules), and the flag lifecycle decides what
// a finding does: open a flag, join the rule's open flag of the same episode (adding
// evidence, escalating urgency and advice), or withdraw a flag whose evidence was edited
// or deleted away. Clinicians acknowledge, resolve, dismiss and annotate flags here too.
//
// The package reaches the database only through the storage port (package storage) and
// announces flag changes through Events; it never names a backend. Flags commit in the
// same storage transaction as the entry that raised them.
//
// To keep the single writer short, rules run before the write on a read snapshot, against
// a cached copy of the patient's recent journal (ruleContextCache); the write uses those
// findings only if the patient's journal version moved by exactly its own insert, and
// evaluates again inside the transaction otherwise. docs/ARCHITECTURE.md has the path of
// an entry from handler to flag to a clinician's live event.
package flagging
