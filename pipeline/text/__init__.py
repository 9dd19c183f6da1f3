"""Pure text helpers every stage shares, one of each: `clean` (site furniture, placeholders,
normalisation, as composed span steps), `textmap` (text with offsets back to the original),
`script` (traditional -> simplified, once), `numerals` (Chinese and Arabic numbers).

No module here reads the store or knows about reports; a fix to how numbers or characters are
read belongs here.
"""
