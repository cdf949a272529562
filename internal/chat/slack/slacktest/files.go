package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
)

// getUploadURL starts an upload: the file gets an id and a URL to POST its
// bytes to, on the fake itself (slack-go sends the token only to the API's
// own host).
func (s *Server) getUploadURL(p params) (reply, string) {
	name := p.str("filename")
	n, err := strconv.Atoi(p.str("length"))
	if name == "" || err != nil || n < 1 {
		return nil, "invalid_arguments"
	}
	f := &File{ID: fmt.Sprintf("F%08d", s.nextLocked()), Name: name, Length: n}
	s.st.files = append(s.st.files, f)
	return reply{"upload_url": s.srv.URL + "/upload/v1/" + f.ID, "file_id": f.ID}, ""
}

// serveUpload takes a file's bytes, raw or as the multipart "file" field
// slack-go sends, and answers as Slack's upload host does: "OK - <length>".
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	if f, ok := s.called("files.upload"); ok && s.answer(f, w, r) {
		return
	}
	id := strings.TrimPrefix(r.URL.Path, "/upload/v1/")
	content, err := uploaded(r)
	if err != nil {
		http.Error(w, "bad upload", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	f := s.findFileLocked(id)
	if f != nil && !f.Completed {
		f.Content = content
		s.changedLocked()
	}
	s.mu.Unlock()
	if f == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = fmt.Fprintf(w, "OK - %d", len(content))
}

func uploaded(r *http.Request) ([]byte, error) {
	ct, ps, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	body := io.LimitReader(r.Body, 64<<20)
	if ct != "multipart/form-data" {
		return io.ReadAll(body)
	}
	mr := multipart.NewReader(body, ps["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, fmt.Errorf("no file part: %w", err)
		}
		if part.FormName() == "file" {
			return io.ReadAll(part)
		}
	}
}

func (s *Server) findFileLocked(id string) *File {
	for _, f := range s.st.files {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// completeUpload shares uploaded files to a channel.
func (s *Server) completeUpload(p params) (reply, string) {
	var want []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal(p.raw("files"), &want); err != nil || len(want) == 0 {
		return nil, "invalid_arguments"
	}
	ch := p.str("channel_id")
	if ch == "" {
		ch, _, _ = strings.Cut(p.str("channels"), ",")
	}
	if ch != "" && !s.knownChannel(ch) {
		return nil, "channel_not_found"
	}
	var files []*File
	for _, w := range want {
		f := s.findFileLocked(w.ID)
		if f == nil || f.Content == nil || f.Completed {
			return nil, "file_not_found"
		}
		files = append(files, f)
	}
	var out []map[string]string
	for i, f := range files {
		f.Title, f.Channel, f.Completed = want[i].Title, ch, true
		f.ThreadTS, f.InitialComment = p.str("thread_ts"), p.str("initial_comment")
		out = append(out, map[string]string{"id": f.ID, "title": f.Title})
	}
	return reply{"files": out}, ""
}
