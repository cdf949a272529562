package discord

import (
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// register makes /vps what the registry declares: in the guild when one is
// configured (it appears at once), else globally. The bulk overwrite is
// made only when the registered command differs, so a restart does not
// reset Discord's command cache for every user.
func (a *Adapter) register() error {
	want, err := AppCommand(a.runner.Registry())
	if err != nil {
		return fmt.Errorf("discord: building /vps: %w", err)
	}
	have, err := a.s.ApplicationCommands(a.cfg.AppID, a.cfg.GuildID)
	if err != nil {
		return fmt.Errorf("discord: checking the bot token and app_id: %w", classify("list commands", err))
	}
	for _, c := range have {
		if c.Name == want.Name && len(have) == 1 && AppCommandHash(c) == AppCommandHash(want) {
			a.log.Info("discord: /vps is registered already", "guild", a.cfg.GuildID)
			return nil
		}
	}
	if _, err := a.s.ApplicationCommandBulkOverwrite(a.cfg.AppID, a.cfg.GuildID, []*discordgo.ApplicationCommand{want}); err != nil {
		return fmt.Errorf("discord: registering /vps: %w", classify("register commands", err))
	}
	a.log.Info("discord: /vps registered", "guild", a.cfg.GuildID)
	return nil
}
