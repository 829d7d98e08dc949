def home(request):
    pass


department = disclosure = glossary = home
