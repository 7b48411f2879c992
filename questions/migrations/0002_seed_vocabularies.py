"""Seed the two tag vocabularies, with keywords for auto-tagging.

The data lives here, not in app code, so this migration means the same thing forever.
Staff edit names, descriptions and keywords in the admin afterwards.
"""

from django.db import migrations

AREAS = [{'name': 'Forehead',
  'slug': 'forehead',
  'description': 'Horizontal forehead lines and the brow.',
  'keywords': 'forehead\nforehead lines\nbrow\nbrows\neyebrow\neyebrows\nfrontalis'},
 {'name': 'Frown lines',
  'slug': 'frown-lines',
  'description': "The lines between the brows (the glabella, the '11s').",
  'keywords': 'frown lines\nfrown line\nglabella\nglabellar\n11s\nelevens\ncorrugator'},
 {'name': "Crow's feet",
  'slug': 'crows-feet',
  'description': 'Lines at the outer corners of the eyes.',
  'keywords': "crow's feet\n"
              'crows feet\n'
              'crowsfeet\n'
              'lateral canthal\n'
              'smile lines around the eyes\n'
              'orbicularis oculi'},
 {'name': 'Eyelids',
  'slug': 'eyelids',
  'description': 'Upper and lower eyelids, droopy lids and hooding.',
  'keywords': 'eyelid\neyelids\nupper lid\nlower lid\nptosis\nhooded eyes\nhooding\ndroopy eyelid'},
 {'name': 'Under-eye',
  'slug': 'under-eye',
  'description': 'Tear troughs, bags and hollows under the eyes.',
  'keywords': 'under eye\n'
              'under-eye\n'
              'under eyes\n'
              'under the eyes\n'
              'tear trough\n'
              'tear troughs\n'
              'eye bags\n'
              'dark circles'},
 {'name': 'Cheeks',
  'slug': 'cheeks',
  'description': 'Cheeks and cheekbones, including the zygomaticus muscles.',
  'keywords': 'cheek\ncheeks\ncheekbone\ncheekbones\nzygomaticus\nmalar\nmidface'},
 {'name': 'Nose',
  'slug': 'nose',
  'description': 'The nose, its bridge, tip and nostrils.',
  'keywords': 'nose\nnasal\nnostril\nnostrils\nnasal bridge\nnose tip\nbunny lines'},
 {'name': 'Lips',
  'slug': 'lips',
  'description': 'Lips, lip lines and lip flips.',
  'keywords': 'lip\nlips\nlip filler\nlip flip\nlip lines\nupper lip\nlower lip\nvermilion'},
 {'name': 'Mouth and smile',
  'slug': 'mouth-and-smile',
  'description': 'The mouth, its corners and the smile.',
  'keywords': 'smile\n'
              'smiles\n'
              'smiling\n'
              'mouth\n'
              'perioral\n'
              'marionette lines\n'
              'nasolabial\n'
              'smile lines\n'
              'gummy smile\n'
              'risorius\n'
              'depressor anguli oris'},
 {'name': 'Chin',
  'slug': 'chin',
  'description': 'The chin and its dimpling.',
  'keywords': 'chin\nmentalis\npebbly chin\nchin implant'},
 {'name': 'Jaw and masseter',
  'slug': 'jaw-and-masseter',
  'description': 'The jawline, the masseter muscles, TMJ and teeth grinding.',
  'keywords': 'jaw\n'
              'jawline\n'
              'jaw line\n'
              'masseter\n'
              'masseters\n'
              'massteter\n'
              'tmj\n'
              'bruxism\n'
              'teeth grinding\n'
              'jowls'},
 {'name': 'Neck',
  'slug': 'neck',
  'description': 'The neck, neck bands and the double chin.',
  'keywords': 'neck\nplatysma\nplatysmal bands\nneck bands\ndouble chin\nsubmental'},
 {'name': 'Ears',
  'slug': 'ears',
  'description': 'Ears and earlobes.',
  'keywords': 'ear\nears\nearlobe\nearlobes'},
 {'name': 'Skin',
  'slug': 'skin',
  'description': 'Skin quality: pores, texture, acne, scars and pigmentation.',
  'keywords': 'skin\n'
              'pores\n'
              'open pores\n'
              'acne\n'
              'scar\n'
              'scars\n'
              'pigmentation\n'
              'wrinkles\n'
              'fine lines\n'
              'rosacea\n'
              'sun damage'},
 {'name': 'Breasts',
  'slug': 'breasts',
  'description': 'Breasts, implants and nipples.',
  'keywords': 'breast\nbreasts\nnipple\nnipples\nareola\ncapsular contracture'},
 {'name': 'Abdomen',
  'slug': 'abdomen',
  'description': 'The belly, waist and flanks.',
  'keywords': 'abdomen\nabdominal\nbelly\nstomach\ntummy\nwaist\nflanks\nmuffin top\ndiastasis'},
 {'name': 'Buttocks',
  'slug': 'buttocks',
  'description': 'The buttocks and hips.',
  'keywords': 'buttock\nbuttocks\nbutt\nglutes\ngluteal\nhips'},
 {'name': 'Arms',
  'slug': 'arms',
  'description': 'Upper arms and underarms.',
  'keywords': 'arm\narms\nupper arms\nbingo wings\nunderarm\nunderarms\narmpit\narmpits'},
 {'name': 'Thighs',
  'slug': 'thighs',
  'description': 'Inner and outer thighs and the knees.',
  'keywords': 'thigh\nthighs\ninner thighs\nouter thighs\nknees'},
 {'name': 'Genital area',
  'slug': 'genital-area',
  'description': 'Labia and the genital area.',
  'keywords': 'labia\nlabiaplasty\nvaginal\nvagina\ngenital\nscrotum'},
 {'name': 'Scalp and hair',
  'slug': 'scalp-and-hair',
  'description': 'The scalp, hair loss and the hairline.',
  'keywords': 'scalp\nhair loss\nhairline\nbalding\nthinning hair\nhair transplant'},
 {'name': 'Teeth and gums',
  'slug': 'teeth-and-gums',
  'description': 'Teeth, gums and the bite.',
  'keywords': 'teeth\ntooth\ngums\ngum\nveneers\nbite\northodontic\ndental'}]

PROCEDURES = [{'name': 'Botox',
  'slug': 'botox',
  'description': 'Botulinum toxin type A (onabotulinumtoxinA) injections that relax muscles.',
  'keywords': 'botox\n'
              'botulinum\n'
              'botulinum toxin\n'
              'onabotulinumtoxina\n'
              'btx\n'
              'btx-a\n'
              'neurotoxin\n'
              'neuromodulator'},
 {'name': 'Mesobotox',
  'slug': 'mesobotox',
  'description': 'Very dilute botulinum toxin injected into the skin for pores, oil and fine '
                 'lines.',
  'keywords': 'mesobotox\nmeso botox\nmicrobotox\nmicro botox\nintradermal botox\nskin botox'},
 {'name': 'Dysport',
  'slug': 'dysport',
  'description': 'AbobotulinumtoxinA, a botulinum toxin.',
  'keywords': 'dysport\nabobotulinumtoxina'},
 {'name': 'Xeomin',
  'slug': 'xeomin',
  'description': 'IncobotulinumtoxinA, a botulinum toxin without accessory proteins.',
  'keywords': 'xeomin\nincobotulinumtoxina'},
 {'name': 'Jeuveau',
  'slug': 'jeuveau',
  'description': 'PrabotulinumtoxinA, a botulinum toxin.',
  'keywords': 'jeuveau\nprabotulinumtoxina'},
 {'name': 'Dermal filler',
  'slug': 'dermal-filler',
  'description': 'Hyaluronic acid and other injectable fillers.',
  'keywords': 'filler\n'
              'fillers\n'
              'dermal filler\n'
              'dermal fillers\n'
              'juvederm\n'
              'restylane\n'
              'voluma\n'
              'volbella\n'
              'belotero\n'
              'hyaluronic acid\n'
              'rha'},
 {'name': 'Sculptra',
  'slug': 'sculptra',
  'description': 'Poly-L-lactic acid injections that build collagen over months.',
  'keywords': 'sculptra\npoly-l-lactic acid\npoly l lactic acid'},
 {'name': 'Radiesse',
  'slug': 'radiesse',
  'description': 'Calcium hydroxylapatite filler.',
  'keywords': 'radiesse\ncalcium hydroxylapatite'},
 {'name': 'Kybella',
  'slug': 'kybella',
  'description': 'Deoxycholic acid injections that dissolve fat under the chin.',
  'keywords': 'kybella\ndeoxycholic acid'},
 {'name': 'Laser resurfacing',
  'slug': 'laser-resurfacing',
  'description': 'Ablative and fractional lasers for skin texture and wrinkles.',
  'keywords': 'laser resurfacing\nfraxel\nco2 laser\nco2\nerbium\nfractional laser'},
 {'name': 'Ultherapy',
  'slug': 'ultherapy',
  'description': 'Focused ultrasound to tighten skin.',
  'keywords': 'ultherapy\nultrasound lift\nhifu'},
 {'name': 'Chemical peel',
  'slug': 'chemical-peel',
  'description': 'Acid peels for skin tone and texture.',
  'keywords': 'chemical peel\npeel\npeels\ntca peel'},
 {'name': 'Microneedling',
  'slug': 'microneedling',
  'description': 'Collagen induction with fine needles, sometimes with radiofrequency.',
  'keywords': 'microneedling\nmicro needling\nmorpheus8\ndermapen'},
 {'name': 'Tummy tuck',
  'slug': 'tummy-tuck',
  'description': 'Abdominoplasty: removing loose skin and tightening the abdominal wall.',
  'keywords': 'tummy tuck\nabdominoplasty\nmini tummy tuck'},
 {'name': 'Breast augmentation',
  'slug': 'breast-augmentation',
  'description': 'Breast implants or fat to enlarge the breasts.',
  'keywords': 'breast augmentation\nbreast implants\nbreast implant\nboob job'},
 {'name': 'Breast lift',
  'slug': 'breast-lift',
  'description': 'Mastopexy: lifting and reshaping the breasts.',
  'keywords': 'breast lift\nmastopexy'},
 {'name': 'Breast reduction',
  'slug': 'breast-reduction',
  'description': 'Reduction mammoplasty.',
  'keywords': 'breast reduction\nreduction mammoplasty'},
 {'name': 'Rhinoplasty',
  'slug': 'rhinoplasty',
  'description': 'Surgery to reshape the nose.',
  'keywords': 'rhinoplasty\nnose job\nseptorhinoplasty\nrevision rhinoplasty'},
 {'name': 'Blepharoplasty',
  'slug': 'blepharoplasty',
  'description': 'Eyelid surgery.',
  'keywords': 'blepharoplasty\neyelid surgery\nbleph'},
 {'name': 'Facelift',
  'slug': 'facelift',
  'description': 'Surgery to lift the lower face and jowls.',
  'keywords': 'facelift\nface lift\nfacelifts\nmini facelift\nsmas'},
 {'name': 'Neck lift',
  'slug': 'neck-lift',
  'description': 'Surgery to tighten the neck.',
  'keywords': 'neck lift\nnecklift\nplatysmaplasty'},
 {'name': 'Brow lift',
  'slug': 'brow-lift',
  'description': 'Surgery to raise the brows.',
  'keywords': 'brow lift\nbrowlift\nforehead lift'},
 {'name': 'Liposuction',
  'slug': 'liposuction',
  'description': 'Removing fat through small cannulas.',
  'keywords': 'liposuction\nlipo\nlipoplasty\nvaser'},
 {'name': 'Otoplasty',
  'slug': 'otoplasty',
  'description': 'Ear surgery, such as pinning back prominent ears.',
  'keywords': 'otoplasty\near pinning\near surgery'},
 {'name': 'Fat transfer',
  'slug': 'fat-transfer',
  'description': "Moving a patient's own fat to add volume.",
  'keywords': 'fat transfer\nfat grafting\nfat graft\nfat injections'},
 {'name': 'Brazilian butt lift',
  'slug': 'brazilian-butt-lift',
  'description': 'Fat transfer to the buttocks.',
  'keywords': 'brazilian butt lift\nbbl'},
 {'name': 'CoolSculpting',
  'slug': 'coolsculpting',
  'description': 'Cryolipolysis: freezing fat without surgery.',
  'keywords': 'coolsculpting\ncryolipolysis'},
 {'name': 'Hair transplant',
  'slug': 'hair-transplant',
  'description': 'FUE and FUT hair restoration.',
  'keywords': 'hair transplant\nfue\nfut\nhair restoration'},
 {'name': 'Chin implant',
  'slug': 'chin-implant',
  'description': 'Implants to project the chin.',
  'keywords': 'chin implant\ngenioplasty'},
 {'name': 'Lip lift',
  'slug': 'lip-lift',
  'description': 'Surgery to shorten the upper lip.',
  'keywords': 'lip lift\nbullhorn lip lift'},
 {'name': 'Dental veneers',
  'slug': 'dental-veneers',
  'description': 'Porcelain or composite veneers on the teeth.',
  'keywords': 'veneers\nveneer\ndental veneers'}]


def seed(apps, schema_editor):
    for model_name, rows in (("TreatmentArea", AREAS), ("Procedure", PROCEDURES)):
        model = apps.get_model("questions", model_name)
        for row in rows:
            model.objects.update_or_create(slug=row["slug"], defaults=row)


def unseed(apps, schema_editor):
    for model_name, rows in (("TreatmentArea", AREAS), ("Procedure", PROCEDURES)):
        model = apps.get_model("questions", model_name)
        model.objects.filter(slug__in=[row["slug"] for row in rows]).delete()


class Migration(migrations.Migration):
    dependencies = [("questions", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
