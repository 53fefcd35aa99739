"""The daily mechanisms, one module each, in the order the model runs them (DESIGN.md):

acquisition (who joins, through which channel), groups (where joiners go; mitosis),
content (who posts what; organizer fermentation and replies), attention (what is read,
its value, overload against the Dunbar limit), motivation (interest, novelty, crowding out,
contagion, burnout), churn (activity tomorrow, dormancy, leaving) and promotion (points,
tiers, KOC). Each function takes the model's `State` and the day's `Effects`.
"""
