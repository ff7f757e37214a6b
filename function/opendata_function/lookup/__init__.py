"""Look-up by SMS and Zalo (Article 7.2c): short Vietnamese commands answered from what the build published.

grammar (the commands) -> data (the published look-up indexes and the site's search) -> answers (one
answer, written for Zalo with accents or for SMS in GSM-7) -> channels (the Zalo OA webhook, SMS
gateways behind one small interface) -> records (rate limit, counts, replays, in the function's store).
"""
