"""One module per benchmark stage; each `measure()` runs its stage and adds its rows."""
