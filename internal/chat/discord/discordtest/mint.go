package discordtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
)

// Defaults of a minted interaction: who interacts, and with which rights.
const (
	DefaultUserID   = "100000000000000300"
	DefaultUserName = "alice"
	// allPermissions is what a guild owner holds; Discord sends the set
	// as a decimal string.
	allPermissions = "2251799813685247"
)

// Mint fills in the interaction as this application and guild would be
// sent it, with a fresh id and token, and remembers it: from now on
// (on the fake's clock) the callback route accepts one answer within
// 3 seconds, and the webhook routes accept its token for 15 minutes.
func (s *Server) Mint(i Interaction) Interaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	i = s.mintLocked(i)
	s.changedLocked()
	return i
}

func (s *Server) mintLocked(i Interaction) Interaction {
	fill := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	fill(&i.ID, s.idLocked())
	fill(&i.Token, newToken())
	fill(&i.ApplicationID, s.opts.ApplicationID)
	if i.Type != InteractionPing {
		if !i.DM {
			fill(&i.GuildID, s.opts.GuildID)
			fill(&i.Permissions, allPermissions)
		}
		fill(&i.ChannelID, s.opts.Channels[0])
		fill(&i.AppPermissions, allPermissions)
		fill(&i.Locale, "en-US")
	}
	fill(&i.UserID, DefaultUserID)
	fill(&i.UserName, DefaultUserName)
	if i.CommandName != "" && i.CommandID == "" {
		i.CommandID = s.commandIDLocked(i.GuildID, i.CommandName)
	}
	if i.MessageID != "" && len(i.Message) == 0 {
		if m := s.st.messages[i.MessageID]; m != nil {
			i.Message = rawJSON(s.messageJSON(m))
		}
	}
	if i.MessageID == "" && len(i.Message) > 0 {
		var m struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(i.Message, &m)
		i.MessageID = m.ID
	}
	x := &exchange{in: i, sent: s.opts.Clock()}
	s.st.interactions[i.ID] = x
	s.st.tokens[i.Token] = x
	return i
}

// commandIDLocked is the id of the stored command name (the guild's, then
// the global one), or a fresh id when none is stored.
func (s *Server) commandIDLocked(guild, name string) string {
	for _, scope := range []string{guild, ""} {
		for _, c := range s.st.commands[scope] {
			if c.Name == name {
				return c.ID
			}
		}
	}
	return s.idLocked()
}

// newToken is an interaction token: long, random and URL-safe, like
// Discord's (whose format is its own).
func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "fake-itoken-" + hex.EncodeToString(b)
}
