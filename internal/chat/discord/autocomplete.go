package discord

import (
	"context"
	"sort"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/vpsops/vpsops/internal/commands"
)

// maxChoices is Discord's limit on autocomplete choices.
const maxChoices = 25

// autocomplete offers values for the option being typed: server
// references the caller may see (their names too), providers, request ids
// waiting for them. It answers from what the runner knows now, within the
// 3 seconds, and offers nothing rather than something not theirs.
func (a *Adapter) autocomplete(i *discordgo.Interaction, who commands.Principal) *discordgo.InteractionResponse {
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	cmd, arg, typed, err := Focused(a.runner.Registry(), i.ApplicationCommandData())
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*callTimeout/10)
		defer cancel()
		for _, v := range a.runner.Suggest(ctx, commands.Viewer{Principal: who, Groups: roles(i)}, cmd, arg.Name, typed, maxChoices) {
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: v, Value: v})
		}
	}
	sort.SliceStable(choices, func(x, y int) bool {
		return strings.HasPrefix(choices[x].Name, typed) && !strings.HasPrefix(choices[y].Name, typed)
	})
	return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices}}
}
