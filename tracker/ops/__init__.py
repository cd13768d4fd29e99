"""Operations: how the site behaves when its database fails, health checks, start-up rules."""
