"""The Nmbrs REST simulator: the SOAP simulator's seeded world through the published REST spec."""
