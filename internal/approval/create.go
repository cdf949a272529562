package approval

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// SaltSize is the length of the salt NewSalt returns.
const SaltSize = 16

// NewSalt returns a fresh random salt for ArgsHash and Request.Salt.
func NewSalt() []byte {
	salt := make([]byte, SaltSize)
	rand.Read(salt) // never returns an error: crypto/rand aborts the program instead
	return salt
}

// Create stores a new request and returns it as stored.
//
// The caller supplies what was asked (NeedsConfirm, NeedsApproval, Source,
// Principal, Groups, Command, Target, Args, Salt, ArgsHash, HasSecrets,
// Reason, ReplyTo, TargetName, TargetIP); every other field is assigned here: ID ("r-" and 8 characters),
// CreatedAt and UpdatedAt (now), State (Confirming if NeedsConfirm, else
// Pending) and ExpiresAt (now+ConfirmTTL while confirming, now+TTL while
// pending).
//
// ArgsHash, Principal and Command are required, and so is Salt: ArgsHash must
// have been computed with the very salt stored beside it, so the caller draws
// it (NewSalt) before hashing. A request that needs neither gate is refused:
// it has nothing to wait for.
func (s *Store) Create(ctx context.Context, r Request) (Request, error) {
	if err := validateNew(r); err != nil {
		return Request{}, fmt.Errorf("create request for %s by %s: %w", r.Command, r.Principal, err)
	}
	now := s.now()
	stored := Request{
		NeedsConfirm:  r.NeedsConfirm,
		NeedsApproval: r.NeedsApproval,
		Source:        r.Source,
		Principal:     r.Principal,
		Groups:        slices.Clone(r.Groups),
		Command:       r.Command,
		Target:        r.Target,
		Args:          r.Args,
		ArgsHash:      r.ArgsHash,
		Salt:          r.Salt,
		HasSecrets:    r.HasSecrets,
		Reason:        r.Reason,
		ReplyTo:       r.ReplyTo,
		TargetName:    r.TargetName,
		TargetIP:      r.TargetIP,
		CreatedAt:     now,
		UpdatedAt:     now,
	}
	if r.NeedsConfirm {
		stored.State, stored.ExpiresAt = Confirming, now.Add(s.confirmTTL)
	} else {
		stored.State, stored.ExpiresAt = Pending, now.Add(s.ttl)
	}
	// 31^8 ids make a collision unlikely, not impossible: the primary key
	// catches one and a fresh id is drawn.
	for range 5 {
		id, err := randomString(8)
		if err != nil {
			return Request{}, fmt.Errorf("create request for %s by %s: generate id: %w", r.Command, r.Principal, err)
		}
		stored.ID = "r-" + id
		stored.ArgsHash = s.binding(stored.ID, stored.Principal, stored.Groups, r.ArgsHash)
		created, err := s.insert(ctx, stored)
		if err != nil {
			return Request{}, fmt.Errorf("create request %s for %s by %s: %w", stored.ID, r.Command, r.Principal, err)
		}
		if created {
			// Read back so that the caller sees exactly what other
			// processes will (times at storage precision).
			return s.Get(ctx, stored.ID)
		}
	}
	return Request{}, fmt.Errorf("create request for %s by %s: no free id after 5 attempts", r.Command, r.Principal)
}

// insert stores r and its created event in one transaction; created is
// false when the id is taken.
func (s *Store) insert(ctx context.Context, r Request) (created bool, err error) {
	tx, err := s.eventTx(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO approval_requests (id, state, needs_confirm,
		needs_approval, source, principal, command, target, args, args_hash, args_salt,
		has_secrets, reason, reply_to, created_at, expires_at, updated_at, target_name, target_ip, groups)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`,
		r.ID, string(r.State), r.NeedsConfirm, r.NeedsApproval, r.Source,
		r.Principal, r.Command, r.Target, jsonText(r.Args), r.ArgsHash,
		r.Salt, r.HasSecrets, r.Reason, jsonText(r.ReplyTo),
		nanos(r.CreatedAt), nanos(r.ExpiresAt), nanos(r.CreatedAt), r.TargetName, r.TargetIP, groupsText(r.Groups))
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	if _, err := appendEvent(ctx, tx, r.ID, EventCreated, r.CreatedAt); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

func validateNew(r Request) error {
	switch {
	case r.Principal == "":
		return errors.New("principal is required")
	case r.Command == "":
		return errors.New("command is required")
	case r.ArgsHash == "":
		return errors.New("arguments hash is required")
	case len(r.Salt) == 0:
		return errors.New("salt is required (the one ArgsHash was computed with; see NewSalt)")
	case !r.NeedsConfirm && !r.NeedsApproval:
		return errors.New("request needs neither confirmation nor approval")
	case r.Args != nil && !json.Valid(r.Args):
		return errors.New("arguments are not valid JSON")
	case r.ReplyTo != nil && !json.Valid(r.ReplyTo):
		return errors.New("reply reference is not valid JSON")
	case slices.Contains(r.Groups, ""):
		return errors.New("a group is empty")
	}
	return nil
}
