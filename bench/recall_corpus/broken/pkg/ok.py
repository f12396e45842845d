from my_nlp import Tagger

tagger = Tagger.from_pretrained("xlnet-base-cased")
other = Tagger.from_pretrained("tagger-v2")
