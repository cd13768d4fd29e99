"""Server-drawn pictures of the data: the world map, the timeline and the regions they group by."""
