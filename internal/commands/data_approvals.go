package commands

// The Data of approvals; approval returns a RequestView.

// ApprovalList is the Data of approvals.
type ApprovalList struct {
	Requests []RequestView `json:"requests" desc:"the requests you may see, newest first"`
	Size
}
