import torch
from diffusers import (
    AutoencoderKL,
    ControlNetModel,
    StableDiffusionXLPipeline,
    StableDiffusionPipeline,
)
from peft import AutoPeftModelForCausalLM
from setfit import SetFitModel
from transformers import AutoModelForCausalLM


def sdxl():
    vae = AutoencoderKL.from_pretrained("madebyollin/sdxl-vae-fp16-fix", torch_dtype=torch.float16)
    controlnet = ControlNetModel.from_pretrained("diffusers/controlnet-canny-sdxl-1.0")
    pipe = StableDiffusionXLPipeline.from_pretrained(
        "stabilityai/stable-diffusion-xl-base-1.0", vae=vae, controlnet=controlnet
    )
    pipe.load_lora_weights("nerijs/pixel-art-xl", weight_name="pixel-art-xl.safetensors")
    pipe.load_ip_adapter(
        "h94/IP-Adapter", subfolder="sdxl_models", weight_name="ip-adapter_sdxl.bin"
    )
    return pipe


def single_file():
    pipe = StableDiffusionPipeline.from_single_file(
        "https://huggingface.co/stable-diffusion-v1-5/stable-diffusion-v1-5/blob/main/v1-5-pruned-emaonly.safetensors"
    )
    pipe.load_textual_inversion("sd-concepts-library/cat-toy")
    return pipe


def adapter_model():
    model = AutoModelForCausalLM.from_pretrained("facebook/opt-350m")
    model.load_adapter("ybelkada/opt-350m-lora")
    return model


def peft_auto():
    return AutoPeftModelForCausalLM.from_pretrained("smangrul/tinyllama_lora_sql")


def few_shot():
    return SetFitModel.from_pretrained("sentence-transformers/paraphrase-mpnet-base-v2")
