package approval

import (
	"context"
	"fmt"
	"time"
)

// Post is one message that shows a request: an approval posted to a Slack
// channel, the same approval in a Discord channel, a confirm prompt. Every
// process that changes a request edits every post of it, whichever
// process or platform made the post (Teleport's access plugins keep the
// same list for the same reason).
type Post struct {
	RequestID string
	Platform  string // "slack", "discord"
	Channel   string // the platform's channel id
	MessageID string // the platform's message id (Slack's ts, Discord's snowflake)
	PostedBy  string // the process instance that posted it
	PostedAt  time.Time
}

// AddPost records a post of a request. Recording the same message twice
// is harmless: the first record stands.
func (s *Store) AddPost(ctx context.Context, p Post) error {
	if p.RequestID == "" || p.Platform == "" || p.Channel == "" || p.MessageID == "" {
		return fmt.Errorf("record post of request %q: request, platform, channel and message id are required", p.RequestID)
	}
	if p.PostedBy == "" {
		p.PostedBy = s.instance
	}
	if p.PostedAt.IsZero() {
		p.PostedAt = s.now()
	}
	if _, err := s.Get(ctx, p.RequestID); err != nil {
		return fmt.Errorf("record post of request %s: %w", p.RequestID, err)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO approval_posts
		(request_id, platform, channel, message_id, posted_by, posted_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (platform, channel, message_id) DO NOTHING`,
		p.RequestID, p.Platform, p.Channel, p.MessageID, p.PostedBy, nanos(p.PostedAt))
	if err != nil {
		return fmt.Errorf("record post of request %s on %s: %w", p.RequestID, p.Platform, err)
	}
	return nil
}

// Posts lists the posts of a request, oldest first.
func (s *Store) Posts(ctx context.Context, requestID string) ([]Post, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT request_id, platform, channel, message_id, posted_by, posted_at
		FROM approval_posts WHERE request_id = ? ORDER BY posted_at, platform, channel, message_id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("list posts of request %s: %w", requestID, err)
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		var (
			p  Post
			at int64
		)
		if err := rows.Scan(&p.RequestID, &p.Platform, &p.Channel, &p.MessageID, &p.PostedBy, &at); err != nil {
			return nil, fmt.Errorf("list posts of request %s: %w", requestID, err)
		}
		p.PostedAt = fromNanos(at)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list posts of request %s: %w", requestID, err)
	}
	return out, nil
}
