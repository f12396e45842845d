"""Command line entry of the chatbot."""

import argparse

from transformers import AutoModelForCausalLM, AutoTokenizer


def build_parser():
    parser = argparse.ArgumentParser(description="chat with a model")
    parser.add_argument("--base", default="Qwen/Qwen2.5-1.5B-Instruct", help="the chat model")
    parser.add_argument("--temperature", type=float, default=0.7)
    return parser


def parse_args():
    return build_parser().parse_args()


def main():
    opts = parse_args()
    tokenizer = AutoTokenizer.from_pretrained(opts.base)
    model = AutoModelForCausalLM.from_pretrained(opts.base, torch_dtype="auto")
    return tokenizer, model
