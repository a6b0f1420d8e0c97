-- The words a trainee agrees to when they ask the unit to tell the person
-- who recommended it that they are in touch.
INSERT INTO consent_wordings (version, purpose, text) VALUES
	('portal-tell-referrer-1', 'tell_referrer',
	 'Please tell the person who recommended the unit to me that I am in touch with it. They will get one e-mail saying only that: nothing about why I came to the unit or what we discuss.');
