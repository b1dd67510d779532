package ir

// Listen is LISTEN channel.
type Listen struct {
	Channel string
}

func (s *Listen) String() string { return "LISTEN " + Ident(s.Channel) }

func (*Listen) stmt() {}

// Unlisten is UNLISTEN channel, or UNLISTEN * (All).
type Unlisten struct {
	Channel string
	All     bool
}

func (s *Unlisten) String() string {
	if s.All {
		return "UNLISTEN *"
	}
	return "UNLISTEN " + Ident(s.Channel)
}

func (*Unlisten) stmt() {}

// Notify is NOTIFY channel [, 'payload'].
type Notify struct {
	Channel, Payload string
}

func (s *Notify) String() string {
	if s.Payload == "" {
		return "NOTIFY " + Ident(s.Channel)
	}
	return "NOTIFY " + Ident(s.Channel) + ", " + quoteString(s.Payload)
}

func (*Notify) stmt() {}
