package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"time"
)

// Domain-separation prefixes: a record hash can never be mistaken for a head
// MAC, and a future encoding (v2) can never collide with this one.
const (
	recordDomain   = "vpsops/audit/record/v1"
	recordDomainV2 = "vpsops/audit/record/v2" // v1 and the groups
	headDomain     = "vpsops/audit/head/v1"
)

// chain computes record hashes and head MACs.
//
// With a key, every hash is HMAC-SHA256(key, ...), and nobody without the key
// can produce a chain that verifies. Without a key it is plain SHA-256: that
// still catches accidental damage and naive edits, but anyone with write
// access to the database can edit a record and recompute every later hash
// and the head. The key is what makes the log tamper-evident against such a
// person, so production deployments set audit.hmac_key and keep it out of
// the database's reach.
type chain struct {
	key []byte // nil: plain SHA-256
}

func (c chain) keyed() bool { return len(c.key) > 0 }

func (c chain) newHash() hash.Hash {
	if c.keyed() {
		return hmac.New(sha256.New, c.key)
	}
	return sha256.New()
}

// recordHash returns the hex hash of r: H(PrevHash || canonical(r)), with
// PrevHash length-prefixed like every other field.
func (c chain) recordHash(r *Record) string {
	h := c.newHash()
	h.Write(canonical(make([]byte, 0, 256+len(r.Args)), r))
	return hex.EncodeToString(h.Sum(nil))
}

// headMAC authenticates the head row, so that rewinding it to an earlier
// record (to hide deleted newest records) needs the key.
func (c chain) headMAC(seq int64, last string, keyed bool) string {
	b := appendField(nil, headDomain)
	b = binary.BigEndian.AppendUint64(b, uint64(seq))
	b = appendField(b, last)
	if keyed {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	h := c.newHash()
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// canonical appends the unambiguous encoding of every field of r except
// Hash: each string is length-prefixed (so no two field lists encode alike),
// integers are fixed-width big-endian, Time is UTC RFC 3339 with nanoseconds
// and Duration is integer nanoseconds. The order is fixed; a change of
// encoding needs a new recordDomain.
//
// A record with groups is encoded as v2: v1's fields, then the number of
// groups and each group. One without is v1 exactly, so every record
// written before groups existed keeps its hash.
func canonical(b []byte, r *Record) []byte {
	if len(r.Groups) > 0 {
		b = appendField(b, recordDomainV2)
	} else {
		b = appendField(b, recordDomain)
	}
	b = appendField(b, r.PrevHash)
	b = binary.BigEndian.AppendUint64(b, uint64(r.Seq))
	b = appendField(b, r.Time.UTC().Format(time.RFC3339Nano))
	for _, s := range []string{
		r.Source, r.Principal, r.Command, r.Target, string(r.Args), string(r.Stage),
		r.Decision, r.Rule, r.ApprovalID, r.Outcome, r.ErrorClass, r.Error,
	} {
		b = appendField(b, s)
	}
	b = binary.BigEndian.AppendUint64(b, uint64(r.Duration))
	if len(r.Groups) > 0 {
		b = binary.BigEndian.AppendUint64(b, uint64(len(r.Groups)))
		for _, g := range r.Groups {
			b = appendField(b, g)
		}
	}
	return b
}

func appendField(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
	return append(b, s...)
}
