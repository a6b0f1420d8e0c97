package referral

import (
	"strings"

	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/settings"
)

// E-mail leaves our control, so neither message names anyone or says why
// support was recommended: only that a notification was made. Who the
// unit is and how to reach it come from its settings (/admin/settings/unit).

func acknowledgement(to string, u settings.Unit) mail.Message {
	return mail.Message{
		Kind:    "referral.acknowledgement",
		To:      to,
		Subject: "We have received your notification",
		Text: strings.Join([]string{
			"Thank you for letting the " + u.Name + " know that you have recommended our Individual Support Team to someone in training.",
			"",
			"We have e-mailed them an invitation to apply. The application has to come from them, and it is their choice whether to apply.",
			"",
			"What they tell us is confidential. We will not tell you whether they have applied, or anything about their support, unless they ask us to.",
			"",
			"If you would like to talk anything through, phone the unit on " + u.CallLine() + ". You do not need to give anyone's name.",
			"",
			"To keep it confidential, this e-mail does not repeat what you told us.",
			"",
			u.Name,
		}, "\n"),
	}
}

func invitation(to, base string, u settings.Unit) mail.Message {
	where := ""
	if u.Region != "" {
		where = " in " + u.Region
	}
	return mail.Message{
		Kind:    "referral.invitation",
		To:      to,
		Subject: "An invitation from the " + u.Name,
		Text: strings.Join([]string{
			"Hello,",
			"",
			"Someone involved in your training has told us that they have suggested the Individual Support Team of the " + u.Name + " to you.",
			"",
			"The team offers confidential one-to-one support to healthcare professionals in training" + where + ". It is independent of your employer, training school and college.",
			"",
			"Whether to apply is your choice, and the application is your own. To find out more or to apply:",
			"",
			"  Check if you can apply: " + base + "/eligibility",
			"  How the team works: " + base + "/how-it-works",
			"",
			"If you apply using this e-mail address, the team will see the note that was sent to us alongside your application. We do not tell the person who wrote to us whether you apply.",
			"",
			"If you would like to talk first, phone the unit on " + u.CallLine() + ".",
			"",
			"If you were not expecting this e-mail, you can ignore it.",
			"",
			u.Name,
		}, "\n"),
	}
}
