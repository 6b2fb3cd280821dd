"""Creating and managing organisation profiles, members, invitations and claims."""
