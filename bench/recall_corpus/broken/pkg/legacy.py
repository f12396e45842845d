from transformers import AutoModel, AutoTokenizer
from somelib import Encoder

tokenizer = AutoTokenizer.from_pretrained("bert-base-cased")
model = AutoModel.from_pretrained("google/electra-small-discriminator")
enc = Encoder.from_pretrained("distilroberta-base")

def broken(:
    pass
